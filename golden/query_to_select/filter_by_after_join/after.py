from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def users_with_address(db: AsyncSession, address_id: int):
    # Legacy filter_by targets the last joined entity: this is addresses.id, not users.id.
    return (
        (await db.execute(select(User).join(Address).where(Address.id == address_id)))
        .unique()
        .scalars()
        .all()
    )


async def users_by_email(db: AsyncSession, email: str):
    return (
        (
            await db.execute(
                select(User)
                .join(Address, User.id == Address.user_id)
                .where(Address.email == email)
                .order_by(User.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def owners_named(db: AsyncSession, name: str):
    owner = aliased(User)
    return (
        (
            await db.execute(
                select(Address)
                .join(owner, Address.user)
                .where(owner.name == name)
                .order_by(Address.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )
