"""Fixtures loaded as a pytest plugin: every test's session joins one external transaction on one
connection, rolled back after the test (the committed rows too)."""

import pytest

from shop.db import get_engine, get_session_maker
from shop.models import Base


@pytest.fixture
def engine(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path}/test.db")
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    connection = engine.connect()
    yield connection
    connection.close()


@pytest.fixture
def tables(engine):
    Base.metadata.create_all(engine)


@pytest.fixture
def session_maker(connection, tables):
    trans = connection.begin()
    connection.label = "joined"
    yield get_session_maker(connection)
    trans.rollback()


@pytest.fixture
def db(session_maker):
    session = session_maker()
    yield session
    session.close()
