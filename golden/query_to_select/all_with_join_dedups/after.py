from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def users_with_addresses(db: AsyncSession):
    # The join yields 4 rows (user 1 twice); legacy Query returns 3 users.
    return (
        (await db.execute(select(User).join(User.addresses).order_by(User.id)))
        .unique()
        .scalars()
        .all()
    )


async def users_and_emails(db: AsyncSession):
    # An entity with a column: rows, de-duplicated only as whole rows.
    return (
        (
            await db.execute(
                select(User, Address.email)
                .join(User.addresses)
                .order_by(User.id, Address.id)
            )
        )
        .unique()
        .all()
    )


async def user_address_pairs(db: AsyncSession):
    return (
        (
            await db.execute(
                select(User, Address)
                .where(User.id == Address.user_id, User.age == 30)
                .order_by(User.id, Address.id)
            )
        )
        .unique()
        .all()
    )


async def names_of_joined(db: AsyncSession):
    # Columns only: no de-duplication (alice twice, and again for user 4).
    return (
        await db.execute(select(User.name).join(User.addresses).order_by(User.name))
    ).all()
