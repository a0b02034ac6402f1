"""Functions made async handed to a call that runs them in a worker thread (asyncio, anyio,
starlette, an event loop's executor) are called in place: the thread would get their coroutine
and drop it. A function that stays sync keeps its thread."""

import asyncio
import functools

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


def _run_async_call(fn, /, *args, **kwargs):
    """Call fn, a coroutine function handed to a thread or process that calls it
    synchronously, and run its coroutine on a new event loop as asyncio.run does,
    leaving this thread's current event loop as it was. Added by asyncify.
    """
    import asyncio

    if not hasattr(asyncio, "Runner"):  # Python < 3.11
        return asyncio.run(fn(*args, **kwargs))
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(fn(*args, **kwargs))


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
    gathered = await asyncio.gather(asyncio.to_thread(shout, name), add_user(engine, name + "5"))
    later = loop.run_in_executor(None, functools.partial(_run_async_call, add_user), engine, name + "6")
    sixth = await later
    return [first, second, third, fourth, gathered, sixth, sorted(await db.scalars(select(User.name)))]


async def save_counts(db: AsyncSession, names: list):
    engine = db.bind

    async def commit_to_db(items: list) -> None:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            session.add_all([User(name=n, age=len(n)) for n in items])
            await session.commit()

    await commit_to_db(names)
    return sorted(await db.scalars(select(User.name).execution_options(populate_existing=True)))
