from sqlalchemy import select, func
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def max_age(db: AsyncSession):
    return (await db.execute(select(func.max(User.age)))).scalar_one_or_none()


async def user_count_for(db: AsyncSession, name: str):
    return (
        await db.execute(select(func.count(User.id)).where(User.name == name))
    ).scalar_one_or_none()


async def the_user(db: AsyncSession, name: str):
    return (
        (await db.execute(select(User).where(User.name == name)))
        .unique()
        .scalar_one_or_none()
    )


async def emails_per_user(db: AsyncSession):
    return (
        await db.execute(
            select(Address.user_id, func.count(Address.id))
            .group_by(Address.user_id)
            .having(func.count(Address.id) > 0)
            .order_by(Address.user_id)
        )
    ).all()
