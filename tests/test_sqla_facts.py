"""The knowledge tables in ``sqla_asyncify.sqla`` agree with the installed SQLAlchemy."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from sqla_asyncify import sqla


@pytest.mark.parametrize("method", sorted(sqla.AWAITED_SESSION_METHODS - {"exec"}))
def test_awaited_session_methods_are_coroutines(method: str) -> None:
    if not hasattr(AsyncSession, method):
        pytest.skip(f"AsyncSession.{method} is not in this SQLAlchemy version")
    assert inspect.iscoroutinefunction(getattr(AsyncSession, method))


@pytest.mark.parametrize("method", sorted(sqla.SYNC_SESSION_METHODS))
def test_sync_session_methods_are_not_coroutines(method: str) -> None:
    assert hasattr(AsyncSession, method)
    assert not inspect.iscoroutinefunction(getattr(AsyncSession, method))


def test_every_coroutine_method_of_async_session_is_known() -> None:
    coroutines = {
        name
        for name, value in inspect.getmembers(AsyncSession)
        if inspect.iscoroutinefunction(value) and not name.startswith("_")
    }
    # ``close_all`` is a deprecated classmethod; the 2.1 ``*_all`` bulk methods are not legacy API.
    assert coroutines - sqla.AWAITED_SESSION_METHODS <= {"close_all", "delete_all", "merge_all"}


def test_async_session_has_no_query() -> None:
    assert not hasattr(AsyncSession, sqla.LEGACY_QUERY_METHOD)


def test_awaited_transaction_methods_are_every_coroutine_of_async_transaction() -> None:
    from sqlalchemy.ext.asyncio import AsyncTransaction

    coroutines = {
        name
        for name, value in inspect.getmembers(AsyncTransaction)
        if inspect.iscoroutinefunction(value) and not name.startswith("_")
    }
    assert coroutines - {"start"} == sqla.AWAITED_TRANSACTION_METHODS


@pytest.mark.parametrize("method", sorted(sqla.CONNECTION_TRANSACTION_METHODS))
def test_connection_begin_returns_a_transaction_to_start(method: str) -> None:
    """``conn.begin()`` is a plain call returning an ``AsyncTransaction``, started by ``await``."""
    import asyncio

    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction, create_async_engine

    assert not inspect.iscoroutinefunction(getattr(AsyncConnection, method))

    async def started() -> bool:
        engine = create_async_engine("sqlite+aiosqlite://")
        async with engine.connect() as conn:
            if method == "begin_nested":
                await conn.begin()
            trans = getattr(conn, method)()
            assert isinstance(trans, AsyncTransaction)
            assert not conn.in_nested_transaction() if method == "begin_nested" else not conn.in_transaction()
            assert await trans is trans
            active = trans.is_active
            await trans.rollback()
        await engine.dispose()
        return active

    assert asyncio.run(started())


def test_connection_attributes_are_every_public_attribute_of_both_connections() -> None:
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncConnection

    public = {n for cls in (Connection, AsyncConnection) for n in dir(cls) if not n.startswith("_")}
    assert public <= sqla.CONNECTION_ATTRIBUTES


def test_async_connection_takes_no_attribute_of_its_own() -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    conn = create_async_engine("sqlite+aiosqlite://").connect()
    with pytest.raises(AttributeError):
        conn.label = "x"  # type: ignore[attr-defined]


def test_asyncpg_is_the_async_driver_whose_ping_takes_a_transaction() -> None:
    """``asyncpg-pre-ping`` (``codemods/async_pool.py``): of the async drivers, only asyncpg's
    ``pool_pre_ping`` wraps its ping in a transaction of its own (three round trips); the others
    ping with one statement (``SELECT 1`` or the driver's ping), as their sync drivers do."""
    from sqlalchemy.dialects import registry
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

    assert ".transaction()" in inspect.getsource(AsyncAdapt_asyncpg_connection._async_ping)
    assert "dbapi_connection.ping()" in inspect.getsource(registry.load("postgresql.asyncpg").do_ping)
    for name in ("sqlite.aiosqlite", "postgresql.psycopg_async", "mysql.aiomysql", "mysql.asyncmy"):
        assert "transaction" not in inspect.getsource(registry.load(name).do_ping), name
