import pytest
from sqlalchemy import delete

from jobs.dao import create_job
from jobs.db import SessionLocal, engine
from jobs.models import Base, Job, Task
import pytest_asyncio


@pytest_asyncio.fixture(scope="session", autouse=True, loop_scope="session")
async def tables():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


@pytest_asyncio.fixture(loop_scope="session")
async def db():
    session = SessionLocal()
    try:
        yield session
    finally:
        await session.close()


@pytest_asyncio.fixture(loop_scope="session")
async def job(db):
    job = await create_job(db, "pending")
    yield job
    await db.run_sync(lambda _: job.id)
    await db.execute(delete(Task).where(Task.job_id == job.id))
    await db.run_sync(lambda _: job.id)
    await db.execute(delete(Job).where(Job.id == job.id))
    await db.commit()
