import pytest

from shop import service
from shop.api import app
from shop.db import Base, SessionLocal, engine
import httpx
import pytest_asyncio

module_client = httpx.AsyncClient(
    transport=httpx.ASGITransport(app=app),
    base_url="http://testserver",
    follow_redirects=True,
)


def build_app():
    return app


@pytest_asyncio.fixture(scope="session", autouse=True, loop_scope="session")
async def tables():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


@pytest_asyncio.fixture(loop_scope="session")
async def db():
    async with SessionLocal() as session:
        yield session


@pytest.fixture
def quiet():
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://shop.test",
        follow_redirects=True,
    )


@pytest_asyncio.fixture(loop_scope="session")
async def built():
    async with (asgi_app := build_app()).router.lifespan_context(
        asgi_app
    ), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi_app),
        base_url="http://testserver",
        follow_redirects=True,
    ) as client:
        yield client


@pytest.mark.asyncio(loop_scope="session")
async def test_module_client(db):
    item = await service.add_item(db, "a")
    assert (await module_client.get(f"/items/{item.id}")).json()["name"] == "a"


@pytest.mark.asyncio(loop_scope="session")
async def test_keywords(db, quiet):
    item = await service.add_item(db, "b")
    response = await quiet.request("GET", f"/items/{item.id}")
    assert response.json()["name"] == "b"
    assert str(response.url) == f"http://shop.test/items/{item.id}"


@pytest.mark.asyncio(loop_scope="session")
async def test_built_app(db, built):
    item = await service.add_item(db, "c")
    assert (await built.get(f"/items/{item.id}")).status_code == 200


@pytest.mark.asyncio(loop_scope="session")
async def test_local_client(db):
    item = await service.add_item(db, "d")
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        follow_redirects=True,
    ) as local:
        assert (await local.get(f"/items/{item.id}")).json() == {
            "id": item.id,
            "name": "d",
        }


@pytest.mark.asyncio(loop_scope="session")
async def test_redirects_are_followed(quiet):
    # TestClient follows redirects (/items/0/ -> /items/0): the converted client must too.
    assert (await quiet.get("/items/0/")).status_code == 404
