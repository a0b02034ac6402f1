"""``contextmanager(gen)`` applied by a call, to a generator the migration makes async: it becomes
``asynccontextmanager(gen)``, entered with ``async with``, from a local helper as at module level."""

from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def get_db(engine):
    db = AsyncSession(engine, expire_on_commit=False)
    try:
        yield db
    finally:
        await db.close()


db_scope = asynccontextmanager(get_db)


async def count_users(db: AsyncSession) -> int:
    async with db_scope(db.bind) as other:
        return await other.scalar(select(func.count(User.id)))


async def save_counts(db: AsyncSession, counts: dict) -> int:
    engine = db.bind
    db_manager = asynccontextmanager(get_db)

    async def commit_to_db(items: dict) -> None:
        async with db_manager(engine) as session:
            for name, age in items.items():
                session.add(User(name=name, age=age))
            await session.commit()

    await commit_to_db(counts)
    return await count_users(db)
