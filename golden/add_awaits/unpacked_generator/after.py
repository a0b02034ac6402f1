from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def age_of(db: AsyncSession, user_id: int) -> int:
    stmt = select(User.age).where(User.id == user_id)
    return (await db.execute(stmt)).scalar_one()


async def ages_of_pair(db: AsyncSession, first: int, second: int) -> tuple[int, int]:
    # Unpacking consumes the generator whole, in order: a list comprehension can await.
    a, b = [await age_of(db, i) for i in (first, second)]
    return a, b
