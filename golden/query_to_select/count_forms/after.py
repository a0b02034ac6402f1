from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import func, select


async def count_filtered(db: AsyncSession, age: int):
    return await db.scalar(
        select(func.count()).select_from(select(User).where(User.age == age).subquery())
    )


async def count_joined(db: AsyncSession):
    # Counts rows: 4 for the join, though all() would return 3 users.
    return await db.scalar(
        select(func.count()).select_from(select(User).join(User.addresses).subquery())
    )


async def count_distinct_names(db: AsyncSession):
    return await db.scalar(
        select(func.count()).select_from(select(User.name).distinct().subquery())
    )


async def count_groups(db: AsyncSession):
    return await db.scalar(
        select(func.count()).select_from(select(User.age).group_by(User.age).subquery())
    )


async def count_limited(db: AsyncSession, n: int):
    return await db.scalar(
        select(func.count()).select_from(
            select(Address).order_by(Address.id).limit(n).subquery()
        )
    )
