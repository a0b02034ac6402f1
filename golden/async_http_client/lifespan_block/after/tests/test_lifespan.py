from shop import service
from shop.api import events
import httpx
import pytest
from contextlib import asynccontextmanager


@asynccontextmanager
async def _app_lifespan(client: httpx.AsyncClient):
    """`with client:` on the TestClient this AsyncClient replaced: the app's lifespan
    (startup, then shutdown at the end of the block), the client left open as TestClient
    left it (`async with client:` would close it for good). Added by asyncify.
    """
    app = client._transport.app
    async with app.router.lifespan_context(app):
        yield client


@pytest.mark.asyncio(loop_scope="session")
async def test_lifespan_around_each_block(db, client):
    item = await service.add_item(db, "a")
    assert (await client.get(f"/items/{item.id}")).status_code == 200
    assert events == []
    async with _app_lifespan(client):
        assert events == ["startup"]
        assert (await client.get(f"/items/{item.id}")).json()["name"] == "a"
    assert events == ["startup", "shutdown"]
    # the client is entered again: TestClient runs the lifespan again and stays usable after
    async with _app_lifespan(client) as again:
        assert again is client
        assert (await again.get(f"/items/{item.id}")).status_code == 200
    assert events == ["startup", "shutdown", "startup", "shutdown"]
    assert (await client.get(f"/items/{item.id}")).json() == {
        "id": item.id,
        "name": "a",
    }


@pytest.mark.asyncio(loop_scope="session")
async def test_lifespan_in_a_helper(db, client):
    item = await service.add_item(db, "b")
    assert await read_in_lifespan(client, item.id) == "b"
    assert events == ["startup", "shutdown"]


async def read_in_lifespan(client, item_id):
    async with _app_lifespan(client):
        return (await client.get(f"/items/{item_id}")).json()["name"]
