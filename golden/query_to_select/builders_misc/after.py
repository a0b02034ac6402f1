from sqlalchemy import select, func
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def emails_of(db: AsyncSession, name: str):
    return (
        await db.execute(
            select(User)
            .join(User.addresses)
            .where(User.name == name)
            .with_only_columns(Address.email)
            .order_by(Address.id)
        )
    ).all()


async def users_with_email_count(db: AsyncSession):
    return (
        (
            await db.execute(
                select(User)
                .outerjoin(User.addresses)
                .group_by(User.id)
                .add_columns(func.count(Address.id))
                .order_by(User.id)
            )
        )
        .unique()
        .all()
    )


async def outer_filter_by(db: AsyncSession, email: str):
    return (
        (
            await db.execute(
                select(User).outerjoin(Address).where(Address.email == email)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def from_addresses(db: AsyncSession):
    return (
        await db.execute(
            select(User.name)
            .select_from(Address)
            .join(Address.user)
            .order_by(Address.id)
        )
    ).all()


async def distinct_users(db: AsyncSession):
    return (
        (
            await db.execute(
                select(User).join(User.addresses).distinct().order_by(User.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def address_count_column(db: AsyncSession):
    n = (
        select(func.count(Address.id))
        .where(Address.user_id == User.id)
        .scalar_subquery()
    )
    return (await db.execute(select(User.id, n).order_by(User.id))).all()


async def labelled(db: AsyncSession):
    top = select(func.max(User.age)).label("top")
    return (
        await db.execute(select(User.id, top).where(User.id < 3).order_by(User.id))
    ).all()


async def via_cte(db: AsyncSession):
    older = select(User.id).where(User.age >= 30).cte("older")
    return (
        (
            await db.execute(
                select(User).join(older, User.id == older.c.id).order_by(User.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def self_join(db: AsyncSession):
    other = aliased(User)
    return (
        (
            await db.execute(
                select(User, other).join(
                    other, (User.name == other.name) & (User.id < other.id)
                )
            )
        )
        .unique()
        .all()
    )


async def refreshed(db: AsyncSession, user_id: int):
    user = await db.get(User, user_id)
    user.age = 1
    await db.flush()
    user.age = 2
    again = (
        (
            await db.execute(
                select(User)
                .execution_options(populate_existing=True)
                .where(User.id == user_id)
            )
        )
        .unique()
        .scalar_one()
    )
    return again.age


async def built_then_iterated(db: AsyncSession, name: str):
    q = select(User).order_by(User.id)
    q = q.where(User.name == name)
    first_two = (await db.execute(q.slice(0, 2))).unique().scalars().all()
    second = (await db.execute(q.offset(1).limit(1))).unique().scalars().all()[0]
    return (
        [u.id for u in (await db.execute(q)).unique().scalars()],
        first_two,
        second,
        (await db.execute(q)).all(),
    )
