from sqlalchemy import select, literal
from sqlalchemy.orm import contains_eager
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def sliced(db: AsyncSession, start: int, stop: int):
    return (
        (await db.execute(select(User).order_by(User.id).slice(start, stop)))
        .unique()
        .scalars()
        .all()
    )


async def any_named(db: AsyncSession, name: str):
    return (
        await db.execute(
            select(literal(True)).where(select(User).where(User.name == name).exists())
        )
    ).scalar_one_or_none()


async def eager_addresses(db: AsyncSession):
    return (
        (
            await db.execute(
                select(User)
                .join(User.addresses)
                .options(contains_eager(User.addresses))
                .execution_options(populate_existing=True)
                .order_by(User.id, Address.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def names_with_addresses(db: AsyncSession):
    has_address = (
        select(Address.id).where(Address.user_id == User.id).correlate(User).exists()
    )
    return (
        await db.execute(select(User.name).where(has_address).order_by(User.id))
    ).all()
