from sqlalchemy import select, func
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def users_with_addresses(db: AsyncSession):
    return (
        (
            await db.execute(
                select(User)
                .where(User.id.in_(select(Address.user_id)))
                .order_by(User.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def users_without_addresses(db: AsyncSession):
    return (
        await db.execute(select(User.id).where(~User.id.in_(select(Address.user_id))))
    ).all()


async def address_counts(db: AsyncSession):
    counts = (
        select(Address.user_id, func.count(Address.id).label("n"))
        .group_by(Address.user_id)
        .subquery()
    )
    return (
        await db.execute(
            select(User.name, counts.c.n)
            .join(counts, User.id == counts.c.user_id)
            .order_by(User.id)
        )
    ).all()
