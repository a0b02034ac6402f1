from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def users_selectin(db: AsyncSession):
    users = (
        (
            await db.execute(
                select(User).options(selectinload(User.addresses)).order_by(User.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )
    return [(u.id, [a.id for a in u.addresses]) for u in users]


async def users_joined(db: AsyncSession):
    # joinedload of a collection: 2.x raises without .unique().
    users = (
        (
            await db.execute(
                select(User).options(joinedload(User.addresses)).order_by(User.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )
    return [(u.id, [a.id for a in u.addresses]) for u in users]


async def first_joined(db: AsyncSession, name: str):
    user = (
        (
            await db.execute(
                select(User)
                .options(joinedload(User.addresses))
                .where(User.name == name)
                .order_by(User.id)
                .limit(1)
            )
        )
        .unique()
        .scalars()
        .first()
    )
    return None if user is None else [a.id for a in user.addresses]


async def one_joined(db: AsyncSession, user_id: int):
    user = (
        (
            await db.execute(
                select(User)
                .options(joinedload(User.addresses))
                .where(User.id == user_id)
            )
        )
        .unique()
        .scalar_one()
    )
    return [a.id for a in user.addresses]


async def address_owner(db: AsyncSession, address_id: int):
    address = (
        (
            await db.execute(
                select(Address)
                .options(joinedload(Address.user))
                .where(Address.id == address_id)
            )
        )
        .unique()
        .scalar_one_or_none()
    )
    return None if address is None else address.user.name
