import pytest

from shop.models import Base
from shop.db import SessionLocal, engine
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
        await session.rollback()
        await session.close()
