from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def _names_of_age(db: AsyncSession, age: int):
    stmt = select(User).where(User.age == age).order_by(User.id)
    for user in (await db.execute(stmt)).scalars():
        yield user.name


async def names_of_ages(db: AsyncSession, first: int, second: int):
    # Delegates to the helper twice: its items, in order.
    async for item in _names_of_age(db, first):
        yield item
    async for item in _names_of_age(db, second):
        yield item


async def collected(db: AsyncSession, first: int, second: int) -> list[str]:
    names = []
    async for name in names_of_ages(db, first, second):
        names.append(name)
    return names
