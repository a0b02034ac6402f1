"""The first-come first-served pool asyncify writes around an engine whose pool is sized in the call
(``codemods/fifo_pool.py``), executed: it must serve waiting requests in the order they came where
SQLAlchemy's async pool lets a request arriving as a connection comes back take it, and otherwise be
SQLAlchemy's pool (sizes, overflow, ``pool_timeout`` and its ``TimeoutError``, ``pool_use_lifo``,
events and the checkout ping, ``dispose``); on aiosqlite here, and on a real PostgreSQL through
asyncpg when the bench's embedded server is installed (the ``bench`` extra)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, NullPool, StaticPool

from sqla_asyncify.codemods import checkout_ping, fifo_pool


def helper(module: Any) -> Callable[[AsyncEngine], AsyncEngine]:
    namespace: dict[str, Any] = {"AsyncEngine": AsyncEngine}  # the migrated module imports it
    exec(module.HELPER_SOURCE, namespace)
    return namespace[module.HELPER]


FIFO = helper(fifo_pool)


def _engine(url: str, fifo: bool, **pool: Any) -> AsyncEngine:
    engine = create_async_engine(url, **pool)
    return FIFO(engine) if fifo else engine


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"


async def _served_order(engine: AsyncEngine) -> list[str]:
    """One connection, held; a request waits for it; another arrives just as it comes back (the
    pool's ``checkin`` event, which runs before the pool takes the connection back). Who gets it?"""
    order: list[str] = []
    arrived = asyncio.Event()

    @event.listens_for(engine.sync_engine, "checkin")
    def checkin(dbapi_connection: Any, record: Any) -> None:
        arrived.set()

    async def request(name: str, after: asyncio.Event | None = None) -> None:
        if after is not None:
            await after.wait()
        async with engine.connect():
            order.append(name)

    async with engine.connect():
        waiting = asyncio.create_task(request("waiting"))
        newcomer = asyncio.create_task(request("newcomer", arrived))
        await asyncio.sleep(0.05)
    await asyncio.gather(waiting, newcomer)
    assert engine.sync_engine.pool.checkedout() == 0
    await engine.dispose()
    return order


async def test_the_waiting_request_is_served_before_one_arriving_later(url: str) -> None:
    # SQLAlchemy's queue: the newcomer takes the connection; the woken waiter waits again.
    assert await _served_order(_engine(url, False, pool_size=1, max_overflow=0)) == ["newcomer", "waiting"]
    assert await _served_order(_engine(url, True, pool_size=1, max_overflow=0)) == ["waiting", "newcomer"]


async def _starved(engine: AsyncEngine) -> str:
    """A request waits for the one connection while, each time the connection comes back, another
    request arrives (started by the ``checkin`` event) and holds it for 10 ms, until the waiting
    one is done: what it gets (served, or ``TimeoutError`` after ``pool_timeout``)."""
    loop = asyncio.get_running_loop()
    arrivals: list[asyncio.Task[None]] = []

    async def newcomer() -> None:
        async with engine.connect():
            await asyncio.sleep(0.01)

    async def waiting() -> str:
        try:
            async with engine.connect():
                return "served"
        except exc.TimeoutError:
            return "TimeoutError"

    result = asyncio.create_task(waiting())

    @event.listens_for(engine.sync_engine, "checkin")
    def checkin(dbapi_connection: Any, record: Any) -> None:
        if not result.done():
            arrivals.append(loop.create_task(newcomer()))

    async with engine.connect():
        await asyncio.sleep(0.05)  # ``waiting`` waits
    outcome = await result
    await asyncio.gather(*arrivals)
    await engine.dispose()
    return outcome


async def test_a_waiting_request_is_not_starved_into_a_timeout(url: str) -> None:
    pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 2}
    assert await _starved(_engine(url, False, **pool)) == "TimeoutError"
    assert await _starved(_engine(url, True, **pool)) == "served"


async def _pool_trace(engine: AsyncEngine) -> list[object]:
    """What a pool of 2 + 1 overflow does: connections handed out, the status after each step, the
    request past the limit timing out with SQLAlchemy's error, the overflow connection closed on
    its return, and which idle connection comes out next."""
    pool = engine.sync_engine.pool
    trace: list[object] = [pool.size(), pool.timeout()]
    ids: dict[int, str] = {}

    async def raw(conn: Any) -> str:
        driver = (await conn.get_raw_connection()).driver_connection
        return ids.setdefault(id(driver), f"c{len(ids)}")

    a, b, c = engine.connect(), engine.connect(), engine.connect()
    for conn in (a, b, c):
        await conn.start()
        trace.append((await raw(conn), pool.status()))
    try:
        async with engine.connect():
            trace.append("fourth served")
    except exc.TimeoutError as error:
        trace.append(str(error).split(" (Background")[0])
    for conn in (a, b, c):  # c is the overflow one: closed, as the pool keeps 2
        await conn.close()
        trace.append(pool.status())
    async with engine.connect() as conn:
        trace.append(("next", await raw(conn)))
    await engine.dispose()
    trace.append(pool.status())
    return trace


@pytest.mark.parametrize("lifo", [False, True])
async def test_sizes_overflow_timeout_and_order_of_idle_connections_are_the_pools(url: str, lifo: bool) -> None:
    pool = {"pool_size": 2, "max_overflow": 1, "pool_timeout": 0.2, "pool_use_lifo": lifo}
    expected = await _pool_trace(_engine(url, False, **pool))
    assert expected[5] == "QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.20"
    assert expected[-2] == ("next", "c1" if lifo else "c0")
    assert await _pool_trace(_engine(url, True, **pool)) == expected


async def test_a_request_handed_a_connection_as_it_is_cancelled_passes_it_on(url: str) -> None:
    engine = _engine(url, True, pool_size=1, max_overflow=0)
    served: list[str] = []

    async def request(name: str) -> None:
        async with engine.connect():
            served.append(name)

    holder = engine.connect()
    await holder.start()
    first = asyncio.create_task(request("first"))
    second = asyncio.create_task(request("second"))
    await asyncio.sleep(0.05)
    await holder.close()  # handed to ``first``, which is cancelled before it runs
    first.cancel()
    await asyncio.gather(first, second, return_exceptions=True)
    assert served == ["second"]
    assert engine.sync_engine.pool.checkedout() == 0
    async with engine.connect():  # and the connection is still there for the next
        pass
    await engine.dispose()


SETTINGS = ("_max_overflow", "_timeout", "_recycle", "_pre_ping", "_reset_on_return", "_dialect", "_creator", "echo")


async def test_the_pools_settings_are_kept_through_dispose(url: str) -> None:
    engine = create_async_engine(url, pool_size=3, max_overflow=4, pool_timeout=7, pool_recycle=1800, pool_pre_ping=True)
    pool = engine.sync_engine.pool
    assert type(pool) is AsyncAdaptedQueuePool
    expected = [getattr(pool, name) for name in SETTINGS]
    assert expected[:4] == [4, 7, 1800, True]
    FIFO(engine)
    fifo = engine.sync_engine.pool
    assert fifo is not pool and isinstance(fifo, AsyncAdaptedQueuePool)
    assert [getattr(fifo, name) for name in SETTINGS] == expected and fifo.size() == 3
    await engine.dispose()  # recreates the pool: the same class, the same settings
    assert type(engine.sync_engine.pool) is type(fifo)
    assert [getattr(engine.sync_engine.pool, name) for name in SETTINGS] == expected
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    await engine.dispose()


async def test_the_checkout_ping_and_other_pool_listeners_are_kept(url: str) -> None:
    engine = create_async_engine(url, pool_size=3, max_overflow=4)
    pings = [0]
    do_ping = engine.sync_engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings[0] += 1
        return do_ping(dbapi_connection)

    engine.sync_engine.dialect.do_ping = counted  # type: ignore[method-assign]
    engine = FIFO(helper(checkout_ping)(engine))  # as asyncify writes it: the ping inside
    for _ in range(3):
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    assert pings == [2]  # not on the first checkout of a connection: its listeners moved with the pool
    await engine.dispose()
    async with engine.connect():
        pass
    assert pings == [2]  # a connection of the recreated pool: just opened
    await engine.dispose()


async def test_other_pools_are_left() -> None:
    memory = FIFO(create_async_engine("sqlite+aiosqlite://"))  # an in-memory database: StaticPool
    assert type(memory.sync_engine.pool) is StaticPool
    null = FIFO(create_async_engine("sqlite+aiosqlite:///x.db", poolclass=NullPool))
    assert type(null.sync_engine.pool) is NullPool


# -- asyncpg on a real PostgreSQL ------------------------------------------------------------------
@pytest.fixture(scope="module")
def postgres() -> Any:
    from test_checkout_ping import _postgres

    server = _postgres()
    yield server
    server.stop()


async def _overtakes(engine: AsyncEngine) -> tuple[int, int]:
    """40 requests over 4 connections (no overflow), each checking out 5 times: how many times a
    request got a connection while one that asked earlier still waited; and the requests served.
    The 4 connections are opened first, so that nothing awaits between a request asking the pool
    and getting its answer but the pool itself."""
    warm = [engine.connect() for _ in range(4)]
    for conn in warm:
        await conn.start()
    for conn in warm:
        await conn.close()
    asked: list[int] = []  # request ids waiting, in the order they asked
    overtakes = served = 0

    async def request(rid: int) -> None:
        nonlocal overtakes, served
        for _ in range(5):
            asked.append(rid)
            async with engine.connect() as conn:
                overtakes += asked.index(rid)  # those still waiting that asked before
                asked.remove(rid)
                await conn.execute(text("SELECT pg_sleep(0.001)"))
            served += 1
            await asyncio.sleep(0)

    await asyncio.gather(*(request(rid) for rid in range(40)))
    await engine.dispose()
    return overtakes, served


async def test_asyncpg_waiters_served_in_order_and_a_terminated_session_replaced(postgres: Any) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{postgres.port}/postgres"
    pool = {"pool_size": 4, "max_overflow": 0, "pool_timeout": 30}
    overtakes, served = await _overtakes(_engine(url, True, **pool))
    assert (overtakes, served) == (0, 200)
    # With the checkout ping, every request after the server ended every session succeeds.
    from test_checkout_ping import _terminated_trace

    import psycopg2

    admin = psycopg2.connect(postgres.dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    try:
        engine = FIFO(helper(checkout_ping)(create_async_engine(url, pool_size=2, max_overflow=0)))
        _, trace = await _terminated_trace(engine, admin)
    finally:
        admin.close()
    assert trace == ["ok"] * 6
