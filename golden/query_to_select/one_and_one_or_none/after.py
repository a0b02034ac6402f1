from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def one_by_id(db: AsyncSession, user_id: int):
    return (
        (await db.execute(select(User).where(User.id == user_id))).unique().scalar_one()
    )


async def one_or_none_by_name(db: AsyncSession, name: str):
    return (
        (await db.execute(select(User).where(User.name == name)))
        .unique()
        .scalar_one_or_none()
    )


async def one_joined(db: AsyncSession, user_id: int):
    # User 1 joins two addresses: legacy de-duplicates to one user.
    return (
        (await db.execute(select(User).join(User.addresses).where(User.id == user_id)))
        .unique()
        .scalar_one()
    )


async def one_name_row(db: AsyncSession, name: str):
    return (await db.execute(select(User.name).where(User.name == name))).one()
