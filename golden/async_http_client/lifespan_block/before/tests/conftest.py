import pytest
from fastapi.testclient import TestClient

from shop.api import app, events
from shop.db import Base, SessionLocal, engine


@pytest.fixture(scope="session", autouse=True)
def tables():
    Base.metadata.create_all(engine)


@pytest.fixture
def db():
    with SessionLocal() as session:
        yield session


@pytest.fixture
def client():
    events.clear()
    return TestClient(app)
