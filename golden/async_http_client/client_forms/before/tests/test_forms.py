import pytest
from fastapi.testclient import TestClient
from starlette.testclient import TestClient as StarletteClient

from shop import service
from shop.api import app
from shop.db import Base, SessionLocal, engine

module_client = TestClient(app)


def build_app():
    return app


@pytest.fixture(scope="session", autouse=True)
def tables():
    Base.metadata.create_all(engine)


@pytest.fixture
def db():
    with SessionLocal() as session:
        yield session


@pytest.fixture
def quiet():
    return TestClient(
        app,
        base_url="http://shop.test",
        raise_server_exceptions=False,
        backend="asyncio",
    )


@pytest.fixture
def built():
    with StarletteClient(build_app()) as client:
        yield client


def test_module_client(db):
    item = service.add_item(db, "a")
    assert module_client.get(f"/items/{item.id}").json()["name"] == "a"


def test_keywords(db, quiet):
    item = service.add_item(db, "b")
    response = quiet.request("GET", f"/items/{item.id}")
    assert response.json()["name"] == "b"
    assert str(response.url) == f"http://shop.test/items/{item.id}"


def test_built_app(db, built):
    item = service.add_item(db, "c")
    assert built.get(f"/items/{item.id}").status_code == 200


def test_local_client(db):
    item = service.add_item(db, "d")
    with TestClient(app) as local:
        assert local.get(f"/items/{item.id}").json() == {"id": item.id, "name": "d"}


def test_redirects_are_followed(quiet):
    # TestClient follows redirects (/items/0/ -> /items/0): the converted client must too.
    assert quiet.get("/items/0/").status_code == 404
