"""Test setup: HTTP only.

The suite must never import the database layer, models, crud or services: it is
run unchanged against the app after it has been migrated to async SQLAlchemy.
"""

import atexit
import os
import shutil
import tempfile
import uuid

import pytest

_TMP_DIR = tempfile.mkdtemp(prefix="shop-tests-")
os.environ["SHOP_DB_PATH"] = os.path.join(_TMP_DIR, "shop.db")
atexit.register(shutil.rmtree, _TMP_DIR, ignore_errors=True)

from fastapi.testclient import TestClient  # noqa: E402

from app.main import app  # noqa: E402


@pytest.fixture(scope="session")
def client():
    # One client (and therefore one event loop / portal) for the whole session;
    # entering it runs the lifespan, which creates the tables.
    with TestClient(app) as test_client:
        yield test_client


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def unique():
    """Factory for collision-free names, so tests never depend on each other."""
    return _unique


@pytest.fixture
def make_user(client):
    def _make_user(name: str = "Alice") -> dict:
        response = client.post(
            "/users/", json={"email": f"{_unique('user')}@example.com", "name": name}
        )
        assert response.status_code == 201, response.text
        return response.json()

    return _make_user


@pytest.fixture
def make_product(client):
    def _make_product(
        price: float = 10.0,
        stock: int = 10,
        category: str | None = None,
        name: str | None = None,
    ) -> dict:
        response = client.post(
            "/products/",
            json={
                "name": name or _unique("product"),
                "price": price,
                "stock": stock,
                "category": category or _unique("category"),
            },
        )
        assert response.status_code == 201, response.text
        return response.json()

    return _make_product


@pytest.fixture
def make_order(client):
    def _make_order(user_id: int, *lines: tuple[int, int]) -> dict:
        response = client.post(
            "/orders/",
            json={
                "user_id": user_id,
                "items": [{"product_id": pid, "quantity": qty} for pid, qty in lines],
            },
        )
        assert response.status_code == 201, response.text
        return response.json()

    return _make_order


@pytest.fixture
def missing_id() -> int:
    return 10**9
