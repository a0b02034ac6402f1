import psycopg2
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, NullPool, SingletonThreadPool


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


def connect():
    return psycopg2.connect("dbname=app")


main = _fifo_pool(
    create_async_engine(
        "postgresql+asyncpg://u@h/app", poolclass=AsyncAdaptedQueuePool, pool_size=20
    )
)
tests = create_async_engine("sqlite+aiosqlite://", poolclass=SingletonThreadPool)
workers = create_async_engine("postgresql+asyncpg://u@h/app", poolclass=NullPool)
custom = create_async_engine("postgresql+asyncpg://u@h/app", creator=connect)
