from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


@asynccontextmanager
async def counted(db: AsyncSession):
    """Yields the number of users before the block; flushes what the block added."""
    before = await db.scalar(select(func.count()).select_from(User))
    yield before
    await db.flush()


async def add_user(db: AsyncSession, name: str) -> tuple[int, int]:
    async with counted(db) as before:
        db.add(User(id=10, name=name, age=20))
    return before, await db.scalar(select(func.count()).select_from(User))
