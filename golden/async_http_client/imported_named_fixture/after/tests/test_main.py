import pytest
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from shop import service
from shop.api import app
from shop.db import SessionLocal, get_db
import httpx
import pytest_asyncio


@pytest_asyncio.fixture(name="db", loop_scope="session")
async def db_fixture():
    session = SessionLocal()
    try:
        yield session
    finally:
        await session.close()


@pytest.fixture(name="client")
def client_fixture(db: AsyncSession):
    def get_db_override():
        return db

    app.dependency_overrides[get_db] = get_db_override
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        follow_redirects=True,
    )
    yield client
    app.dependency_overrides.clear()


@pytest.mark.asyncio(loop_scope="session")
async def test_written_in_the_db_read_over_http(db: AsyncSession, client: TestClient):
    item = await service.add_item(db, "pear")
    response = await client.get(f"/items/{item.id}")
    assert response.json() == {"id": item.id, "name": "pear"}
