"""A lambda handed alone to a call that runs it in a worker thread, whose body is one call of a
function made async, is that call in place: the thread would get its coroutine and drop it. Any
other lambda reaching code made async is left and reported; one calling sync code keeps its thread."""

import asyncio

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from golden_models import User


def add_user(engine, name: str, age: int = 50) -> int:
    with Session(engine) as db:
        db.add(User(name=name, age=age))
        db.commit()
        return db.scalar(select(func.count(User.id)))


def shout(name: str) -> str:
    return name.upper()


async def add_in_threads(db: Session, name: str):
    engine = db.bind
    first = await run_in_threadpool(lambda: add_user(engine, name, age=20))
    second = await asyncio.to_thread(lambda: add_user(engine, name + "2"))
    third = await anyio.to_thread.run_sync(lambda: add_user(engine, name + "3"))
    loop = asyncio.get_running_loop()
    fourth = await loop.run_in_executor(None, lambda: add_user(engine, name + "4", age=40))
    gathered = await asyncio.gather(
        asyncio.to_thread(lambda: shout(name)), asyncio.to_thread(lambda: add_user(engine, name + "5"))
    )
    return [first, second, third, fourth, gathered, sorted(db.scalars(select(User.name)))]


async def count_plus_one(db: Session, name: str):
    engine = db.bind
    return await asyncio.to_thread(lambda: add_user(engine, name) + 1)
