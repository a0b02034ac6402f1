import os

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def _async_database_url(url):
    """The database URL with the async driver of its database, for create_async_engine.

    Converted when the engine is built: the setting itself keeps its sync driver for
    sync consumers (Alembic, scripts). Added by asyncify.
    """
    from sqlalchemy.engine import URL, make_url

    url = url if isinstance(url, URL) else make_url(str(url))
    if url.drivername.partition("+")[2] in (
        "aiomysql",
        "aioodbc",
        "aiosqlite",
        "asyncmy",
        "asyncpg",
        "oracledb",
        "oracledb_async",
        "psycopg",
        "psycopg_async",
    ):
        return url
    async_drivers = {
        "mariadb": "aiomysql",
        "mssql": "aioodbc",
        "mysql": "aiomysql",
        "postgresql": "asyncpg",
        "sqlite": "aiosqlite",
    }
    dialect = url.get_backend_name()
    if dialect not in async_drivers:
        raise ValueError(
            f"no async driver known for `{url.drivername}` database URLs: "
            "name the async driver of this database in the URL"
        )
    return url.set(drivername=f"{dialect}+{async_drivers[dialect]}")


def _fifo_pool(engine: AsyncEngine) -> AsyncEngine:
    """Hand a returned connection to the longest-waiting request, as the
    sync app's thread pool queued requests: SQLAlchemy's async pool lets a
    request that arrives just then take it, and the waiter waits again at
    the back. Sizes, timeout, pre-ping and recycle are the pool's own.
    Added by asyncify.
    """
    import asyncio
    import collections
    import functools

    from sqlalchemy.pool import AsyncAdaptedQueuePool
    from sqlalchemy.util.queue import AsyncAdaptedQueue

    class HandOff:  # the part of asyncio.Queue the pool's queue uses
        def __init__(self, maxsize, lifo):
            self.maxsize, self.lifo = maxsize, lifo
            self.idle = collections.deque()
            self.waiters = collections.deque()

        def qsize(self):
            return len(self.idle)

        def empty(self):
            return not self.idle

        def full(self):
            return 0 < self.maxsize <= len(self.idle)

        def put_nowait(self, connection):
            while self.waiters:
                waiter = self.waiters.popleft()
                if not waiter.done():
                    waiter.set_result(connection)
                    return
            if self.full():
                raise asyncio.QueueFull
            self.idle.append(connection)

        def get_nowait(self):
            if not self.idle:  # (nobody waits while a connection is idle)
                raise asyncio.QueueEmpty
            return self.idle.pop() if self.lifo else self.idle.popleft()

        async def get(self):
            if self.idle:
                return self.get_nowait()
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            try:
                return await waiter
            except BaseException:  # timed out or cancelled
                if waiter.done() and not waiter.cancelled():
                    # handed a connection just then: to the next in line
                    self.put_nowait(waiter.result())
                elif waiter in self.waiters:
                    self.waiters.remove(waiter)
                raise

    class Queue(AsyncAdaptedQueue):
        @functools.cached_property
        def _queue(self):
            return HandOff(self.maxsize, self.use_lifo)

    class FifoQueuePool(AsyncAdaptedQueuePool):
        _queue_class = Queue

    pool = engine.sync_engine.pool
    if type(pool) is AsyncAdaptedQueuePool:
        pool.__class__ = FifoQueuePool  # unused yet: the same pool, recreated
        engine.sync_engine.pool = pool.recreate()
    return engine


# Sized, the URL known only at run time: the helper checks the pool when it exists.
events = _fifo_pool(
    create_async_engine(_async_database_url(os.environ["EVENTS_URL"]), max_overflow=5)
)
# Left: SQLAlchemy's defaults, unbounded, no pool, an in-memory database.
default = create_async_engine("postgresql+asyncpg://app@db/app")
unbounded = create_async_engine(
    "postgresql+asyncpg://app@db/app", pool_size=10, max_overflow=-1
)
no_limit = create_async_engine("postgresql+asyncpg://app@db/app", pool_size=0)
memory = create_async_engine("sqlite+aiosqlite://", pool_size=3)
