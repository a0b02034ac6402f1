from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import User
from sqlalchemy import select


async def add_user(db: AsyncSession, name: str) -> User:
    user = User(name=name, age=1)
    db.add(user)
    await db.flush()
    return user


async def count(db: AsyncSession) -> int:
    return len((await db.execute(select(User))).unique().scalars().all())
