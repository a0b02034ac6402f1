import pytest
from fastapi.testclient import TestClient

from shop.api import app
from tests.utils import create_item


@pytest.fixture
def plain():
    with TestClient(app) as c:
        yield c


def test_missing_item(plain):
    assert plain.get("/items/0").status_code == 404


def test_helper_on_a_plain_client(plain):
    assert create_item(plain, "fig")["name"] == "fig"
