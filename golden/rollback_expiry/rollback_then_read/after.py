from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def rename_or_undo(db: AsyncSession, user_id: int, name: str) -> str:
    user = await db.get(User, user_id)
    user.name = name
    if name == "undo":
        await db.rollback()
        # Expired by the rollback: under asyncio this read must be preceded by a refresh.
        await db.refresh(user)
    else:
        await db.commit()
    return user.name
