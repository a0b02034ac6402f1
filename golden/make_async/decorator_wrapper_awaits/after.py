import functools

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


# The wrapper commits after the work, or rolls it back: made async, it must await the function it
# replaces, or it commits before a coroutine runs and hands that coroutine to the caller.
def in_transaction(fn):
    @functools.wraps(fn)
    async def wrapper(db: AsyncSession, *args, **kwargs):
        try:
            result = await fn(db, *args, **kwargs)
            await db.commit()
            return result
        except Exception:
            await db.rollback()
            raise

    return wrapper


@in_transaction
async def rename(db: AsyncSession, user_id: int, name: str) -> str:
    user = await db.get(User, user_id)
    user.name = name
    return user.name


@in_transaction
async def rename_all(db: AsyncSession, suffix: str) -> int:
    users = (await db.scalars(select(User))).all()
    for user in users:
        user.name = user.name + suffix
    return len(users)


async def rename_and_count(db: AsyncSession, user_id: int) -> list:
    return [await rename(db, user_id, "renamed"), await rename_all(db, "!")]
