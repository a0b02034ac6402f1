"""A lambda handed alone to a call that runs it in a worker thread, whose body is one call of a
function made async, is that call in place: the thread would get its coroutine and drop it. Any
other lambda reaching code made async is left and reported; one calling sync code keeps its thread."""

import asyncio

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def add_user(engine, name: str, age: int = 50) -> int:
    async with AsyncSession(engine, expire_on_commit=False) as db:
        db.add(User(name=name, age=age))
        await db.commit()
        return await db.scalar(select(func.count(User.id)))


def shout(name: str) -> str:
    return name.upper()


async def add_in_threads(db: AsyncSession, name: str):
    engine = db.bind
    first = await add_user(engine, name, age=20)
    second = await add_user(engine, name + "2")
    third = await add_user(engine, name + "3")
    loop = asyncio.get_running_loop()
    fourth = await add_user(engine, name + "4", age=40)
    gathered = await asyncio.gather(
        asyncio.to_thread(lambda: shout(name)), add_user(engine, name + "5")
    )
    return [first, second, third, fourth, gathered, sorted(await db.scalars(select(User.name)))]


async def count_plus_one(db: AsyncSession, name: str):
    engine = db.bind
    return await asyncio.to_thread(lambda: add_user(engine, name) + 1)
