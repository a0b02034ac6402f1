from sqlalchemy.orm import Session, selectinload
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


async def names(db: AsyncSession):
    found = []
    async for user in await db.stream_scalars(
        select(User).order_by(User.id).execution_options(yield_per=2)
    ):
        found.append(user.name)
    return found


async def joined_ids(db: AsyncSession):
    # yield_per turns de-duplication off: user 1 comes twice, as in the legacy Query.
    ids = []
    async for user in await db.stream_scalars(
        select(User)
        .join(User.addresses)
        .order_by(User.id)
        .execution_options(yield_per=2)
    ):
        ids.append(user.id)
    return ids


async def older_rows(db: AsyncSession, age: int):
    out = []
    async for row in await db.stream(
        select(User.id, User.name)
        .where(User.age > age)
        .order_by(User.id)
        .execution_options(yield_per=1)
    ):
        out.append((row.id, row.name))
    return out


async def address_counts(db: AsyncSession):
    counts = {}
    batch = 3
    async for user in await db.stream_scalars(
        select(User)
        .options(selectinload(User.addresses))
        .execution_options(yield_per=batch)
        .order_by(User.id)
    ):
        counts[user.id] = len(user.addresses)
    return counts


async def birthday(db: AsyncSession):
    async for user in await db.stream_scalars(
        select(User).where(User.age == 30).execution_options(yield_per=10)
    ):
        user.age += 1


def collected(db: Session):
    # Not a for statement: reported.
    return [u.id for u in db.query(User).yield_per(2)]
