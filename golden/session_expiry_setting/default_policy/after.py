from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def rename(db: AsyncSession, user_id: int, name: str) -> tuple[int, str]:
    # Under the default policy the session does not expire: this assignment is reported.
    db.expire_on_commit = True
    user = await db.get(User, user_id)
    user.name = name
    await db.commit()
    return (user.id, user.name)
