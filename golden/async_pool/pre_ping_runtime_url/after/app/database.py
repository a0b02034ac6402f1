from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from .settings import settings


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


def _ping_on_checkout(engine: AsyncEngine) -> AsyncEngine:
    """Check each pooled connection as it is checked out, as pool_pre_ping=True
    does, in one round trip (SQLAlchemy's asyncpg ping is BEGIN; ; ROLLBACK:
    three). Added by asyncify.
    """
    from sqlalchemy import event, exc

    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "connect")
    def connected(dbapi_connection, connection_record):
        connection_record.info["asyncify_fresh"] = True  # just opened

    @event.listens_for(engine.sync_engine, "checkout")
    def ping(dbapi_connection, connection_record, connection_proxy):
        if connection_record.info.pop("asyncify_fresh", False):
            return
        try:
            if dialect.driver == "asyncpg":  # one simple query, no transaction
                dbapi_connection.run_async(lambda c: c.execute("SELECT 1"))
            else:
                dialect.do_ping(dbapi_connection)
        except Exception as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # as pool_pre_ping: replaced, with the pool's older connections
            raise exc.InvalidatePoolError() from error

    return engine


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


engine = _fifo_pool(
    _ping_on_checkout(
        create_async_engine(
            _async_database_url(settings.database_url),
            connect_args={"check_same_thread": False},
            pool_size=5,
            pool_recycle=1800,
        )
    )
)
SessionLocal = async_sessionmaker(autoflush=False, bind=engine, expire_on_commit=False)


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()
