from fastapi.testclient import TestClient

from tests.test_main import client_fixture, db_fixture
import pytest

assert client_fixture, "imported for pytest: it provides the fixture named client here"
assert db_fixture, "imported for pytest: it provides the fixture named db here"


@pytest.mark.asyncio(loop_scope="session")
async def test_missing(client: TestClient):
    # the client fixture pytest finds here is the imported one, which becomes an httpx.AsyncClient
    assert (await client.get("/items/0")).status_code == 404
