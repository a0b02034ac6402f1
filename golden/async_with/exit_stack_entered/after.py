import contextlib

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import User


@contextlib.asynccontextmanager
async def counted(db: AsyncSession):
    yield await db.scalar(select(func.count()).select_from(User))
    await db.commit()


@contextlib.contextmanager
def labelled(name: str):
    yield name.upper()


def count_users(db: AsyncSession) -> int:
    with contextlib.ExitStack() as stack:
        label = stack.enter_context(labelled("users"))
        total = stack.enter_context(counted(db))
        return len(label) + total
