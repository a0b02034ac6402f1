from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import func as sa_func, select


def func(value):
    # The module's own `func`: the count's `sqlalchemy.func` must not replace it.
    return value * 2


async def count_of_age(db: AsyncSession, age: int):
    return func(
        await db.scalar(
            select(sa_func.count()).select_from(
                select(User).where(User.age == age).subquery()
            )
        )
    )
