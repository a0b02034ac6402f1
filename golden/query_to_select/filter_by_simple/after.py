from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def by_name(db: AsyncSession, name: str):
    return (
        (await db.execute(select(User).where(User.name == name).order_by(User.id)))
        .unique()
        .scalars()
        .all()
    )


async def by_name_and_age(db: AsyncSession, name: str, age: int):
    return (
        (await db.execute(select(User).where(User.name == name, User.age == age)))
        .unique()
        .scalar_one_or_none()
    )


async def ids_by_age(db: AsyncSession, age: int, fallback: int):
    return (
        await db.execute(
            select(User.id).where(User.age == (age or fallback)).order_by(User.id)
        )
    ).all()
