import pytest
from fastapi.testclient import TestClient

from shop.api import app


@pytest.fixture
def plain():
    with TestClient(app) as c:
        yield c


def test_missing_item(plain):
    assert plain.get("/items/0").status_code == 404


def test_round_trip(plain):
    created = plain.post("/items/fig").json()
    assert plain.get(f"/items/{created['id']}").json() == created
