import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def double(value: int) -> int:
    await asyncio.sleep(0)
    return value * 2


async def doubled_ages(db: AsyncSession, name: str) -> list[int]:
    # Sync code drove an async helper on a loop of its own; made async, it awaits it instead.
    ages = (await db.execute(select(User.age).where(User.name == name).order_by(User.id))).scalars()
    loop = asyncio.get_event_loop()
    return [await double(age) for age in ages]


async def first_doubled(db: AsyncSession) -> int:
    age = (await db.execute(select(User.age).order_by(User.id))).scalars().first()
    return await double(age or 0) + await double(1)


def stays_sync(value: int) -> int:
    # No database here: it stays sync and keeps its own loop.
    return asyncio.run(double(value))
