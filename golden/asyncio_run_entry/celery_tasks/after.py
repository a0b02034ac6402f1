from celery import Celery, shared_task
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User
import asyncio

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
    return asyncio.run(report())


@shared_task(bind=True, max_retries=3)
def weekly(self) -> dict[str, int]:
    return {"users": asyncio.run(report())}


@shared_task
def refresh() -> int:
    return report()


async def refresh_now() -> int:
    # Called from async code too: an event loop runs here, asyncio.run would raise.
    return refresh()


@celery.task
def ping() -> str:
    return "pong"
