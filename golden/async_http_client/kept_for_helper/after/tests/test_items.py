from shop.api import create_app
from tests.helpers import add
import httpx
import pytest


@pytest.mark.asyncio(loop_scope="session")
async def test_add_then_list():
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=await create_app()),
        base_url="http://testserver",
        follow_redirects=True,
    )
    assert await add(client, "pear") == {"name": "pear"}
    assert (await client.get("/items")).json() == ["pear"]
