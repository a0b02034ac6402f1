"""Fixtures loaded as a pytest plugin: every test's session joins one external transaction on one
connection, rolled back after the test (the committed rows too)."""

import pytest

from shop.db import get_engine, get_session_maker
from shop.models import Base
import pytest_asyncio


@pytest_asyncio.fixture(loop_scope="session")
async def engine(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path}/test.db")
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def connection(engine):
    connection = await engine.connect()
    yield connection
    await connection.close()


@pytest_asyncio.fixture(loop_scope="session")
async def tables(engine):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


@pytest_asyncio.fixture(loop_scope="session")
async def session_maker(connection, tables):
    trans = await connection.begin()
    connection.sync_connection.label = "joined"
    yield get_session_maker(connection)
    await trans.rollback()


@pytest_asyncio.fixture(loop_scope="session")
async def db(session_maker):
    session = session_maker()
    yield session
    await session.close()
