import pytest

from shop.api import app
from shop.db import SessionLocal
import httpx
import pytest_asyncio


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def client():
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        follow_redirects=True,
    ) as c:
        yield c


@pytest_asyncio.fixture(loop_scope="session")
async def db():
    session = SessionLocal()
    try:
        yield session
    finally:
        await session.close()
