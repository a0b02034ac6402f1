from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def count_named(db: AsyncSession, name):
    return await db.scalar(select(func.count(User.id)).where(User.name == name))


async def count_fixed(db, name):
    return 2
