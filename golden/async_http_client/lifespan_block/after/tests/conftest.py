import pytest

from shop.api import app, events
from shop.db import Base, SessionLocal, engine
import httpx
import pytest_asyncio


@pytest_asyncio.fixture(scope="session", autouse=True, loop_scope="session")
async def tables():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


@pytest_asyncio.fixture(loop_scope="session")
async def db():
    async with SessionLocal() as session:
        yield session


@pytest.fixture
def client():
    events.clear()
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        follow_redirects=True,
    )
