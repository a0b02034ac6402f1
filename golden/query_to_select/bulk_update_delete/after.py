from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import delete, select, update


async def age_up(db: AsyncSession, age: int):
    return (
        await db.execute(
            update(User)
            .where(User.age == age)
            .values({User.age: User.age + 1})
            .execution_options(synchronize_session=False)
        )
    ).rowcount


async def rename_all(db: AsyncSession, old: str, new: str):
    return (
        await db.execute(update(User).where(User.name == old).values({"name": new}))
    ).rowcount


async def drop_addresses(db: AsyncSession, user_id: int):
    return (
        await db.execute(delete(Address).where(Address.user_id == user_id))
    ).rowcount


async def drop_addresses_fetch(db: AsyncSession, user_id: int):
    n = (
        await db.execute(
            delete(Address)
            .where(Address.user_id == user_id)
            .execution_options(synchronize_session="fetch")
        )
    ).rowcount
    return n, (await db.execute(select(Address.id).order_by(Address.id))).all()
