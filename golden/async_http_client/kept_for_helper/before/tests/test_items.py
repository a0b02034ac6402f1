from fastapi.testclient import TestClient

from shop.api import create_app
from tests.helpers import add


def test_add_then_list():
    client = TestClient(create_app())
    assert add(client, "pear") == {"name": "pear"}
    assert client.get("/items").json() == ["pear"]
