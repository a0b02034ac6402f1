from shop import service
import pytest


@pytest.mark.asyncio(loop_scope="session")
async def test_written_in_the_db_read_over_http(db, client):
    item = await service.add_item(db, "pear")
    response = await client.get(f"/items/{item.id}")
    assert response.json() == {"id": item.id, "name": "pear"}


@pytest.mark.asyncio(loop_scope="session")
async def test_written_over_http_read_in_the_db(db, add_over_http):
    created = await add_over_http("plum")
    assert await service.find_name(db, created["id"]) == "plum"


@pytest.mark.asyncio(loop_scope="session")
async def test_http_only_on_the_shared_client(client):
    assert (await client.get("/items/999999")).status_code == 404
