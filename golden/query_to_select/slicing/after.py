from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def page(db: AsyncSession, start: int, stop: int):
    return (
        (await db.execute(select(User).order_by(User.id).slice(start, stop)))
        .unique()
        .scalars()
        .all()
    )


async def head(db: AsyncSession):
    return (
        (await db.execute(select(User).order_by(User.id).limit(2)))
        .unique()
        .scalars()
        .all()
    )


async def tail(db: AsyncSession):
    return (await db.execute(select(User.name).order_by(User.id).offset(2))).all()


async def nth(db: AsyncSession, n: int):
    return (
        (
            await db.execute(
                select(User).join(User.addresses).order_by(User.id).offset(n).limit(1)
            )
        )
        .unique()
        .scalars()
        .all()[0]
    )
