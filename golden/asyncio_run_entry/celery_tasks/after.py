from celery import Celery, shared_task
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User


def _run_async(coro):
    """Run coro on a new event loop as asyncio.run does, but leave this thread's
    current event loop as it was (asyncio.run sets it to None). Added by asyncify.
    """
    import asyncio

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
    return report()


async def refresh_now() -> int:
    # Called from async code too: an event loop runs here, asyncio.run would raise.
    return refresh()


@celery.task
def ping() -> str:
    return "pong"
