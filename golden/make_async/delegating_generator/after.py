from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


def user_names(db: AsyncSession):
    yield from db.scalars(select(User.name).order_by(User.id)).all()


async def count_users(db: AsyncSession):
    return await db.scalar(select(func.count(User.id)))
