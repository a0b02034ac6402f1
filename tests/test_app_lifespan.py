"""``with client:`` on a client converted to ``httpx.AsyncClient``: the app's lifespan, or a report."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

APP = """\
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()
app = FastAPI()


def count(db: Session) -> int:
    return db.scalar("select 1")
"""

CONFTEST = """\
import pytest
from fastapi.testclient import TestClient

from app.main import SessionLocal, app


@pytest.fixture
def client():
    return TestClient(app)


@pytest.fixture
def db():
    s = SessionLocal()
    yield s
    s.close()
"""


def migrated(test_body: str, tmp_path: Path) -> tuple[str, set[str]]:
    files = {
        "app/__init__.py": b"",
        "app/main.py": APP.encode(),
        "tests/__init__.py": b"",
        "tests/conftest.py": CONFTEST.encode(),
        "tests/test_it.py": ("from app.main import count\n\n\n" + textwrap.dedent(test_body)).encode(),
    }
    out, report = migrate(files, tmp_path / "run")
    return out["tests/test_it.py"].decode(), report


def test_entering_a_converted_client_runs_the_app_lifespan_and_keeps_it_open(tmp_path: Path) -> None:
    code, report = migrated(
        """\
        def test_twice(db, client):
            assert count(db) == 1
            with client:
                client.get("/")
            with client as again:
                again.get("/")
        """,
        tmp_path,
    )
    assert "    async with _app_lifespan(client):\n        await client.get(\"/\")\n" in code
    # the name bound by ``as`` is the client itself: its requests are awaited too
    assert "    async with _app_lifespan(client) as again:\n        await again.get(\"/\")\n" in code
    assert code.count("async def _app_lifespan(client: httpx.AsyncClient):") == 1  # written once
    assert "from contextlib import asynccontextmanager" in code
    assert "async with client:\n" not in code
    assert not {line for line in report if line.startswith("tests/")}


def test_a_client_entered_with_other_context_managers_is_reported_and_left(tmp_path: Path) -> None:
    code, report = migrated(
        """\
        def test_mixed(db, client, tmp_path):
            assert count(db) == 1
            with client, open(tmp_path / "x", "w"):
                client.get("/")
        """,
        tmp_path,
    )
    assert '    with client, open(tmp_path / "x", "w"):\n' in code
    assert "_app_lifespan" not in code
    assert "tests/test_it.py:6 async-http-client" in report


def test_a_client_the_plan_keeps_is_entered_as_before(tmp_path: Path) -> None:
    # no test that uses the database: the client stays a TestClient, its ``with`` unchanged
    code, report = migrated(
        """\
        def test_http_only(client):
            with client:
                assert client.get("/").status_code == 404
        """,
        tmp_path,
    )
    assert "    with client:\n" in code
    assert "_app_lifespan" not in code


def test_a_client_entered_in_code_that_stays_sync_is_reported_and_left(tmp_path: Path) -> None:
    # the fixture sends no request itself, so nothing makes it async: its ``with`` cannot become
    # ``async with``
    code, report = migrated(
        """\
        import pytest


        @pytest.fixture
        def started(client):
            with client:
                yield client


        def test_started(db, started):
            assert count(db) == 1
            started.get("/")
        """,
        tmp_path,
    )
    assert "    with client:\n        yield client\n" in code
    assert "    await started.get(\"/\")\n" in code
    assert "tests/test_it.py:9 async-http-client" in report
