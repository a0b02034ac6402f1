"""Functions handed to a thread pool, a thread or a process run there synchronously: those made
async are handed through a sync helper that runs their coroutine on a new loop where they run."""

import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Process

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
import functools


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


async def add_user(engine, name: str) -> int:
    async with AsyncSession(engine, expire_on_commit=False) as db:
        db.add(User(name=name, age=50))
        await db.commit()
        return await db.scalar(select(func.count(User.id)))


def shout(name: str) -> str:
    return name.upper()


def add_in_pool(db: AsyncSession, name: str):
    with ThreadPoolExecutor(max_workers=1) as pool:
        added = pool.submit(functools.partial(_run_async_call, add_user), db.bind, name).result()
        return [added, pool.submit(shout, name).result()]


async def add_in_thread(db: AsyncSession, name: str):
    worker = threading.Thread(target=functools.partial(_run_async_call, add_user), args=(db.bind, name))
    worker.start()
    worker.join()
    return sorted(await db.scalars(select(User.name)))


def add_in_process(url: str, name: str) -> Process:
    return Process(target=functools.partial(_run_async_call, add_user), args=(url, name))


class Batch:
    """A project's own `submit`: what it does with the function is its own business."""

    def __init__(self) -> None:
        self.jobs: list = []

    def submit(self, fn, *args) -> int:
        self.jobs.append((fn, args))
        return len(self.jobs)


def queue_later(url: str, name: str) -> int:
    batch = Batch()
    return batch.submit(add_user, url, name)
