"""run-sync-inspect inside a block: an engine inspected inside ``with engine.begin() as conn``
(``inspect(engine)`` or ``Inspector.from_engine(engine)``) is inspected through the block's
connection, in its ``run_sync``, calls in loop headers and conditions included. Executed shape:
golden ``run_sync_inspect/block_reflection``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate


def run(source: str, tmp_path: Path) -> tuple[str, set[str]]:
    out, report = migrate({"schema.py": textwrap.dedent(source).encode()}, tmp_path / "run")
    return out["schema.py"].decode(), report


DROP_ALL = """\
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine.reflection import Inspector
    from sqlalchemy.schema import DropTable, MetaData, Table

    engine = create_engine("sqlite://")

    def drop_all():
        with engine.begin() as connection:
            inspector = Inspector.from_engine(engine)
            meta = MetaData()
            tables = []
            for name in inspector.get_table_names():
                if inspector.get_foreign_keys(name):
                    continue
                tables.append(Table(name, meta))
            for table in tables:
                connection.execute(DropTable(table))
    """


def test_an_inspector_of_the_engine_inside_its_block_uses_the_block_connection(tmp_path: Path) -> None:
    out, report = run(DROP_ALL, tmp_path)
    assert "async def drop_all():" in out
    assert "inspector = await connection.run_sync(Inspector.from_engine)" in out
    assert "for name in await connection.run_sync(lambda sync_conn: inspector.get_table_names()):" in out
    assert "if await connection.run_sync(lambda sync_conn: inspector.get_foreign_keys(name)):" in out
    assert "await connection.execute(DropTable(table))" in out
    assert ".connect()" not in out  # no other connection: the block's, in its transaction
    assert not report, report


def test_in_place_inspection_of_the_engine_inside_its_block(tmp_path: Path) -> None:
    out, report = run(
        """\
        from sqlalchemy import create_engine, inspect, text

        engine = create_engine("sqlite://")

        def tables():
            with engine.connect() as conn:
                conn.execute(text("select 1"))
                return inspect(engine).get_table_names()
        """,
        tmp_path,
    )
    assert "return await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())" in out
    assert "async with engine.connect() as conn:" in out
    assert out.count(".connect()") == 1
    assert not report, report


def test_an_engine_inspector_in_a_loop_header_outside_a_block_is_reported(tmp_path: Path) -> None:
    out, report = run(
        """\
        from sqlalchemy import create_engine, inspect

        engine = create_engine("sqlite://")

        def names():
            insp = inspect(engine)
            return [name for name in insp.get_table_names()]

        def count():
            insp = inspect(engine)
            n = 0
            for name in insp.get_table_names():
                n += 1
            return n
        """,
        tmp_path,
    )
    assert "for name in insp.get_table_names():" in out  # left as it was, and reported
    assert "insp = inspect(engine)" in out
    assert report == {"schema.py:10 run-sync-inspect"}, report  # count()'s binding; names() is converted


TABLES = """\
    from sqlalchemy import MetaData, Table, create_engine

    engine = create_engine("sqlite://")

    def in_block():
        meta = MetaData()
        with engine.connect() as conn:
            users = Table("users", meta, autoload_with=engine)
            return [c.name for c in users.columns]

    def on_engine():
        return [c.name for c in Table("users", MetaData(), autoload_with=engine).columns]

    def on_connection():
        with engine.connect() as conn:
            return Table("users", MetaData(), autoload_with=conn).columns["id"]
    """


def test_a_table_reflected_on_a_bind_that_becomes_async_runs_in_run_sync(tmp_path: Path) -> None:
    out, report = run(TABLES, tmp_path)
    for name in ("in_block", "on_engine", "on_connection"):
        assert f"async def {name}():" in out
    # inside the block over the engine: the block's connection
    assert 'users = await conn.run_sync(lambda sync_conn: Table("users", meta, autoload_with=sync_conn))' in out
    # the engine: a connection of its own for the statement, the awaited value parenthesized
    assert (
        "async with engine.connect() as conn: return [c.name for c in (await conn.run_sync(lambda sync_conn: "
        'Table("users", MetaData(), autoload_with=sync_conn))).columns]'
    ) in out
    # a connection: its own run_sync
    assert (
        'return (await conn.run_sync(lambda sync_conn: Table("users", MetaData(), autoload_with=sync_conn))).columns["id"]'
    ) in out
    assert not report, report


EXPORTER = """\
    from sqlalchemy import create_engine, text

    class Exporter:
        def __init__(self, url: str) -> None:
            self.engine = create_engine(url)

        def drop_all(self) -> None:
            from sqlalchemy.engine.reflection import Inspector
            from sqlalchemy.schema import DropTable, MetaData, Table

            with self.engine.begin() as connection:
                inspector = Inspector.from_engine(self.engine)
                meta = MetaData()
                for table_name in inspector.get_table_names():
                    connection.execute(DropTable(Table(table_name, meta)))
    """


def test_an_attribute_engine_inspected_with_a_local_import(tmp_path: Path) -> None:
    out, report = run(EXPORTER, tmp_path)
    assert "async def drop_all(self) -> None:" in out
    assert "inspector = await connection.run_sync(Inspector.from_engine)" in out
    assert "for table_name in await connection.run_sync(lambda sync_conn: inspector.get_table_names()):" in out
    assert not report, report
