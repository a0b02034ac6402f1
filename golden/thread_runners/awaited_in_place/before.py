"""Functions made async handed to a call that runs them in a worker thread (asyncio, anyio,
starlette, an event loop's executor) are called in place: the thread would get their coroutine
and drop it. A function that stays sync keeps its thread."""

import asyncio
import functools

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
    first = await asyncio.to_thread(add_user, engine, name, age=20)
    second = await run_in_threadpool(add_user, engine, name + "2")
    third = await anyio.to_thread.run_sync(add_user, engine, name + "3", limiter=None)
    loop = asyncio.get_running_loop()
    fourth = await loop.run_in_executor(None, functools.partial(add_user, engine, age=40), name + "4")
    gathered = await asyncio.gather(asyncio.to_thread(shout, name), asyncio.to_thread(add_user, engine, name + "5"))
    later = loop.run_in_executor(None, add_user, engine, name + "6")
    sixth = await later
    return [first, second, third, fourth, gathered, sixth, sorted(db.scalars(select(User.name)))]


async def save_counts(db: Session, names: list):
    engine = db.bind

    def commit_to_db(items: list) -> None:
        with Session(engine) as session:
            session.add_all([User(name=n, age=len(n)) for n in items])
            session.commit()

    await run_in_threadpool(commit_to_db, names)
    return sorted(db.scalars(select(User.name)))
