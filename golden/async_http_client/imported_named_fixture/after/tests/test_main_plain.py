import pytest
from fastapi.testclient import TestClient

from shop.api import app


@pytest.fixture(name="client")
def plain_client_fixture():
    # another fixture named client, in a module test_extra does not import: not the one it gets
    with TestClient(app) as c:
        yield c


def test_missing_plain(client: TestClient):
    assert client.get("/items/0").status_code == 404
