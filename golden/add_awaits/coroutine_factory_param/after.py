import logging
from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

logger = logging.getLogger(__name__)


async def rename_all(db: AsyncSession, old: str, new: str) -> None:
    await db.execute(update(User).where(User.name == old).values(name=new))


async def check_size(db: AsyncSession) -> None:
    if await db.scalar(select(func.count()).select_from(User)) > 3:
        raise ValueError("too many users")


async def safe_try(fn: Callable) -> bool:
    """Only calls what it is handed, and every call hands a lambda running code made async."""
    try:
        await fn()
        return True
    except Exception as e:
        logger.error(f"Error calling '{fn.__name__}': {e}")
        return False


async def fix_all(db: AsyncSession) -> list[bool]:
    return [
        await safe_try(lambda: rename_all(db, "alice", "alicia")),
        await safe_try(lambda: check_size(db)),
    ]


class Seeder:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def _wrap(self, action) -> str:
        try:
            await action()
        except Exception as e:
            raise RuntimeError("seeding failed") from e
        return "seeded"

    async def seed(self) -> str:
        return await self._wrap(lambda: self.add("zoe"))

    async def add(self, name: str) -> None:
        self.db.add(User(name=name, age=20))
        await self.db.flush()


def call(fn: Callable):
    return fn()


def mixed(db: AsyncSession) -> list:
    """`call` is also handed a lambda running sync code: awaiting what it calls would raise."""
    return [call(lambda: 1), call(lambda: check_size(db))]
