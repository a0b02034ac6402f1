from sqlalchemy.ext.asyncio import AsyncSession


async def rename(db: AsyncSession, user: object, name: str) -> object:
    user.name = name
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user
