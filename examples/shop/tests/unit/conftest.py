"""Unit-test setup: the service layer and crud functions, called directly on a session.

The database is the app's engine on the temporary sqlite file that ``tests/conftest.py`` points
``SHOP_DB_PATH`` at (pytest loads that conftest first, before anything here imports the app).
``db`` is a session from the app's own ``SessionLocal``; ``api`` talks to the same app over HTTP,
so a test can create data on one side and read it on the other.
"""

import uuid

import pytest
from fastapi.testclient import TestClient

from app import crud, schemas
from app.database import Base, SessionLocal, engine
from app.main import app


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session", autouse=True)
def tables():
    Base.metadata.create_all(engine)


@pytest.fixture
def db():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def api():
    # Entering the client runs the app's lifespan.
    with TestClient(app) as http:
        yield http


@pytest.fixture
def new_user(db):
    def _new_user(name: str = "Alice"):
        email = f"{unique_name('user')}@example.com"
        return crud.create_user(db, schemas.UserCreate(email=email, name=name))

    return _new_user


@pytest.fixture
def new_product(db):
    def _new_product(price: float = 10.0, stock: int = 10, category: str = ""):
        product = schemas.ProductCreate(
            name=unique_name("product"),
            price=price,
            stock=stock,
            category=category or unique_name("category"),
        )
        return crud.create_product(db, product)

    return _new_product
