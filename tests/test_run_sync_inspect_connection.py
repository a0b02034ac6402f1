"""run-sync-inspect on a connection: ``inspect(conn)`` of a connection that becomes an
AsyncConnection runs through that connection's own ``run_sync`` (no other connection), and a
variable keeps one Inspector whose calls run there. Executed shape: golden
``run_sync_inspect/connection_inspection``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

FIXTURES = """\
    import pytest
    from sqlalchemy import create_engine

    @pytest.fixture
    def connection():
        engine = create_engine("sqlite://")
        with engine.connect() as conn:
            yield conn
    """


def run(test: str, tmp_path: Path) -> tuple[str, set[str]]:
    files = {"conftest.py": textwrap.dedent(FIXTURES).encode(), "test_schema.py": textwrap.dedent(test).encode()}
    out, report = migrate(files, tmp_path / "run")
    return out["test_schema.py"].decode(), report


def test_in_place_inspection_of_a_connection_runs_in_its_run_sync(tmp_path: Path) -> None:
    out, report = run(
        """\
        from sqlalchemy import inspect

        def test_tables(connection):
            assert inspect(connection).get_table_names() == []
        """,
        tmp_path,
    )
    assert "async def test_tables(connection):" in out
    assert "await connection.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())" in out
    assert ".connect()" not in out  # no other connection is opened
    assert not report, report


def test_a_variable_keeps_one_inspector_called_in_the_connection_greenlet(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from sqlalchemy import inspect

        def test_columns(connection):
            insp = inspect(connection)
            assert insp.get_table_names() == insp.get_table_names()
        """,
        tmp_path,
    )
    assert "insp = await connection.run_sync(inspect)" in out
    assert (
        "await connection.run_sync(lambda sync_conn: insp.get_table_names())"
        " == await connection.run_sync(lambda sync_conn: insp.get_table_names())"
    ) in out
