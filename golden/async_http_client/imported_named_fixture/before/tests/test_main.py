import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shop import service
from shop.api import app
from shop.db import SessionLocal, get_db


@pytest.fixture(name="db")
def db_fixture():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(name="client")
def client_fixture(db: Session):
    def get_db_override():
        return db

    app.dependency_overrides[get_db] = get_db_override
    client = TestClient(app)
    yield client
    app.dependency_overrides.clear()


def test_written_in_the_db_read_over_http(db: Session, client: TestClient):
    item = service.add_item(db, "pear")
    response = client.get(f"/items/{item.id}")
    assert response.json() == {"id": item.id, "name": "pear"}
