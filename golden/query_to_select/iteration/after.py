from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def names_in_order(db: AsyncSession):
    names = []
    for user in (await db.execute(select(User).order_by(User.id))).unique().scalars():
        names.append(user.name)
    return names


async def joined_users(db: AsyncSession):
    # Iteration de-duplicates too: user 1 once.
    return [
        u.id
        for u in (await db.execute(select(User).join(User.addresses).order_by(User.id)))
        .unique()
        .scalars()
    ]


async def email_rows(db: AsyncSession):
    return [
        row
        for row in await db.execute(
            select(Address.user_id, Address.email).order_by(Address.id)
        )
    ]
