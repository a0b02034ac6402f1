from celery import Celery, shared_task
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User


def _run_async(coro):
    """Run coro on a new event loop as asyncio.run does, but leave this thread's
    current event loop as it was (asyncio.run sets it to None). Called where a loop
    runs (sync code called from async code), run it in a worker thread, blocking
    this one as the sync original did. Added by asyncify.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        import concurrent.futures
        import contextvars

        context = contextvars.copy_context()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(context.run, _run_async, coro).result()
    if not hasattr(asyncio, "Runner"):  # Python < 3.11
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(coro)


engine = create_async_engine("postgresql+asyncpg://app@db/app")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)
celery = Celery("tasks", broker="redis://localhost")


async def count_users(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(User))


async def report() -> int:
    async with SessionLocal() as db:
        return await count_users(db)


@celery.task
def nightly() -> int:
    return _run_async(report())


@shared_task(bind=True, max_retries=3)
def weekly(self) -> dict[str, int]:
    return {"users": _run_async(report())}


@shared_task
def refresh() -> int:
    return _run_async(report())


async def refresh_now() -> int:
    # Called from async code too: an event loop runs here, the helper runs the call in a thread.
    return refresh()


@celery.task
def ping() -> str:
    return "pong"
