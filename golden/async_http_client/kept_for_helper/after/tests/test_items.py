from fastapi.testclient import TestClient

from shop.api import create_app
from tests.helpers import add
import pytest


@pytest.mark.asyncio(loop_scope="session")
async def test_add_then_list():
    client = TestClient(await create_app())
    assert add(client, "pear") == {"name": "pear"}
    assert client.get("/items").json() == ["pear"]
