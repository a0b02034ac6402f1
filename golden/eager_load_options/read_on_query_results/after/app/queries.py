from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User
from sqlalchemy.orm import joinedload, selectinload


async def emails_of(db: AsyncSession, user_id: int) -> list[str]:
    # Read in the same function: the query loads the collection.
    user = (await db.execute(select(User).options(selectinload(User.addresses)).where(User.id == user_id))).unique().scalar_one()
    return [a.email for a in user.addresses]


def _emails(user: User) -> list[str]:
    return [a.email for a in user.addresses]


async def emails_by_id(db: AsyncSession, user_id: int) -> list[str]:
    # Read in a function the result is passed to.
    user = await db.get(User, user_id, options=[selectinload(User.addresses)])
    return _emails(user)


async def owners(db: AsyncSession) -> list[tuple[str, str]]:
    # A many-to-one read on the rows of a select(): joined to it.
    return [(a.email, a.user.name) for a in (await db.scalars(select(Address).options(joinedload(Address.user)).order_by(Address.id))).all()]


async def names(db: AsyncSession) -> list[str]:
    # No relationship read: no option.
    return [u.name for u in (await db.execute(select(User).order_by(User.id))).unique().scalars().all()]
