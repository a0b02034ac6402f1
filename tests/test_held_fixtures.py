"""Fixtures and tests held sync that use what a converted fixture hands them: pytest calls them,
so nothing can bridge them with ``run_sync``; their sync I/O on the async value is reported
(``sync-calls-async``), never left silent. Fixtures that are not held convert with the value."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

CONFTEST = """\
import json

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker


@pytest.fixture
def engine():
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


@pytest.fixture
def conn(engine):  # asyncify: keep-sync -- legacy
    connection = engine.connect()
    yield connection
    connection.close()


@pytest.fixture
def tables(engine):  # asyncify: keep-sync -- legacy
    with engine.begin() as c:
        c.execute(text("create table t (x int)"))
    return inspect(engine).get_table_names()


@pytest.fixture
def own(engine):  # asyncify: keep-sync -- its own engine
    mine = create_engine("sqlite://")
    with mine.connect() as c:
        return c.execute(text("select 1")).scalar()


@pytest.fixture
def url(engine):  # asyncify: keep-sync -- reads no I/O
    return str(engine.url)


@pytest.fixture
def maker(engine):  # asyncify: keep-sync -- legacy
    print(engine)
    return sessionmaker(bind=engine)


@pytest.fixture
def settings():
    return {"url": "sqlite://"}


@pytest.fixture
def other(settings, engine):  # asyncify: keep-sync -- hands on no converted value
    return json.dumps(settings)


@pytest.fixture
def db(engine):
    with Session(engine) as session:
        yield session


def test_one(db):
    assert db.execute(text("select 1")).scalar() == 1
"""


def run(tmp_path: Path) -> tuple[str, set[str]]:
    sources = {"tests/__init__.py": "", "tests/conftest.py": CONFTEST}
    out, report = migrate({k: textwrap.dedent(v).encode() for k, v in sources.items()}, tmp_path / "run")
    return out["tests/conftest.py"].decode(), report


def line(text: str) -> int:
    return next(i for i, row in enumerate(CONFTEST.splitlines(), 1) if text in row)


def test_held_fixtures_doing_io_on_a_converted_fixture_are_reported_and_left(tmp_path: Path) -> None:
    code, report = run(tmp_path)
    assert "async def engine():" in code  # the fixture converts: its users get an AsyncEngine
    assert "    connection = engine.connect()\n" in code  # held: left as written
    assert f"tests/conftest.py:{line('connection = engine.connect()')} sync-calls-async" in report
    # once per function and parameter, at the first use
    assert f"tests/conftest.py:{line('with engine.begin()')} sync-calls-async" in report
    assert f"tests/conftest.py:{line('inspect(engine)')} sync-calls-async" not in report
    # handed to SQLAlchemy (a library) whole: a sync sessionmaker bound to an AsyncEngine
    assert "    return sessionmaker(bind=engine)\n" in code
    assert f"tests/conftest.py:{line('sessionmaker(bind=engine)')} sync-calls-async" in report


def test_held_fixtures_using_no_converted_value_for_io_are_not_reported(tmp_path: Path) -> None:
    _, report = run(tmp_path)
    for text in ("mine.connect()", "c.execute(text(\"select 1\"))", "str(engine.url)"):
        assert f"tests/conftest.py:{line(text)} sync-calls-async" not in report
    assert not any(r.startswith("tests/conftest.py") and "sync-calls-async" in r for r in report - {
        f"tests/conftest.py:{line('connection = engine.connect()')} sync-calls-async",
        f"tests/conftest.py:{line('with engine.begin()')} sync-calls-async",
        f"tests/conftest.py:{line('sessionmaker(bind=engine)')} sync-calls-async",
    })
