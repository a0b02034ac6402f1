from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def age_of(db: AsyncSession, user_id: int) -> int:
    return (await db.get(User, user_id)).age


async def names(db: AsyncSession):
    return sorted(n for (n,) in (await db.execute(select(User.name))).all())


async def total_age(db: AsyncSession):
    return sum(u.age for u in (await db.execute(select(User))).unique().scalars().all())


async def ages(db: AsyncSession, ids: tuple[int, ...]):
    return sum([await age_of(db, i) for i in ids])


async def emails(db: AsyncSession, user_id: int):
    return ", ".join(
        a.email
        for a in (await db.execute(select(Address).where(Address.user_id == user_id)))
        .unique()
        .scalars()
    )


async def longest_owner_name(db: AsyncSession):
    return max(
        [
            len((await db.get(User, a.user_id)).name)
            for a in (await db.execute(select(Address).order_by(Address.id)))
            .unique()
            .scalars()
        ]
    )


async def grouped(db: AsyncSession):
    return [
        [
            n
            for (n,) in await db.execute(
                select(User.name).where(User.age == age).order_by(User.id)
            )
        ]
        for age in (25, 30)
    ]


def any_old(db: Session, ids: tuple[int, ...]):
    return any(db.get(User, i).age > 35 for i in ids)


async def old_and_names(db: AsyncSession, ids: tuple[int, ...]):
    return await db.run_sync(any_old, ids), await names(db)
