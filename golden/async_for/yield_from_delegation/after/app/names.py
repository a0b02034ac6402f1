from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def names_of_age(db: AsyncSession, age: int):
    stmt = select(User).where(User.age == age).order_by(User.id)
    for user in (await db.execute(stmt)).scalars():
        yield user.name


async def collected(db: AsyncSession, age: int) -> list[str]:
    names = []
    async for name in names_of_age(db, age):
        names.append(name)
    return names
