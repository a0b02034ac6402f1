from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def rename_older(db: AsyncSession, age: int, name: str) -> int:
    count = (await db.execute(update(User).where(User.age > age).values({"name": name}).execution_options(synchronize_session=False))).rowcount
    return count


async def set_age(db: AsyncSession, user_id: int, age: int) -> int:
    user = await db.get(User, user_id)
    await db.execute(update(User).where(User.id == user_id).values(age=age).execution_options(synchronize_session=False))
    seen = user.age
    await db.commit()
    return seen


async def set_age_synchronised(db: AsyncSession, user_id: int, age: int) -> None:
    await db.execute(update(User).where(User.id == user_id).values(age=age))
    await db.commit()


async def names_and_ages(db: AsyncSession) -> list[tuple[str, int]]:
    return [(u.name, u.age) for u in (await db.execute(select(User).order_by(User.id))).unique().scalars()]
