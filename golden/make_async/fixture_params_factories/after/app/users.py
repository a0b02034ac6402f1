from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def sqlite_users(db: AsyncSession, name):
    db.add(User(id=100, name=name, age=1))
    await db.flush()
    return await db.scalar(select(func.count(User.id)))


async def memory_users(db, name):
    return 1
