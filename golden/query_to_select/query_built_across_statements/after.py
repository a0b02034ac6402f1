from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import func, select


async def search(db: AsyncSession, name: str | None = None, min_age: int | None = None):
    q = select(User)
    if name is not None:
        q = q.where(User.name == name)
    if min_age is not None:
        q = q.where(User.age >= min_age)
    return (await db.execute(q.order_by(User.id))).unique().scalars().all()


async def search_and_count(db: AsyncSession, with_address: bool):
    base = select(User)
    if with_address:
        base = base.join(User.addresses)
    total = await db.scalar(select(func.count()).select_from(base.subquery()))
    first = (await db.execute(base.order_by(User.id).limit(1))).scalars().first()
    return total, first


def escaping(db: Session):
    q = db.query(User).filter(User.age == 30)
    return helper(q)


def helper(q):
    return q.count()
