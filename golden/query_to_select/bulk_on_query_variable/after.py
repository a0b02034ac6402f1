from sqlalchemy import update, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def touch_named(db: AsyncSession, name: str) -> int:
    named = select(User).where(User.name == name)
    return (
        await db.execute(
            update(User)
            .where(named.whereclause)
            .values({User.age: User.age + 1})
            .execution_options(synchronize_session=False)
        )
    ).rowcount


async def bump_and_count(db: AsyncSession, name: str) -> int:
    await touch_named(db, name)
    return await db.scalar(select(func.count()).select_from(User).where(User.age > 30))
