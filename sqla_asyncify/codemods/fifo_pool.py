"""A sized connection pool that serves waiting requests in order, as the sync app's did.

An app that sizes its pool (``create_engine(url, pool_size=20, max_overflow=10)``) expects requests
to queue for a connection when more arrive than it has. The sync app queued them in order: a
``def`` route runs in the server's thread pool, which admits requests first come first served,
and fewer requests than threads wait on the pool. The async app admits every request, and
SQLAlchemy's ``AsyncAdaptedQueuePool`` (over ``sqlalchemy.util.queue.AsyncAdaptedQueue``, an
``asyncio.Queue``) does not serve its waiters in order: a returned connection stays in the queue
while the oldest waiter is only woken; a request arriving before that waiter runs takes it
(``AsyncAdaptedQueue.get`` first tries ``get_nowait()``), and the waiter, finding the queue empty,
waits again at the back (``asyncio.Queue.get`` appends a new waiter). Under load a few requests
wait many turns: the p99 latency, and ``pool_timeout`` errors while other requests get through.

On such an engine ``async_pool.py`` wraps the call, reported as done (``fifo-pool``)::

    engine = _fifo_pool(create_async_engine(url, pool_size=20, max_overflow=10))

The helper, written once into the module (after its imports), gives the engine's pool, when it is
SQLAlchemy's ``AsyncAdaptedQueuePool`` (decided at run time: a URL of an in-memory SQLite database
gets a ``StaticPool``, which is left), a queue that hands a returned connection straight to the
longest-waiting request. Everything else is SQLAlchemy's pool unchanged: ``pool_size``,
``max_overflow``, ``pool_timeout`` (``TimeoutError`` when it passes), ``pool_use_lifo`` (the order
of idle connections), pre-ping, recycle, reset on return, events; ``engine.dispose()`` recreates
the same pool. It uses the pool's queue class (``QueuePool._queue_class``, how
``AsyncAdaptedQueuePool`` itself is made from ``QueuePool``): SQLAlchemy 2.0 and 2.1.

Only where the pool is sized in the call (``pool_size=``/``max_overflow=``, not unbounded) and its
class is SQLAlchemy's queue pool (none given, ``QueuePool``, ``AsyncAdaptedQueuePool``): an engine
left at SQLAlchemy's defaults keeps SQLAlchemy's pool as it is.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from .module_helpers import queue_helper

#: The helper's name in the user's module.
HELPER = "_fifo_pool"

HELPER_SOURCE = (
    f"def {HELPER}(engine: AsyncEngine) -> AsyncEngine:\n"
    '    """Hand a returned connection to the longest-waiting request, as the\n'
    "    sync app's thread pool queued requests: SQLAlchemy's async pool lets a\n"
    "    request that arrives just then take it, and the waiter waits again at\n"
    "    the back. Sizes, timeout, pre-ping and recycle are the pool's own.\n"
    "    Added by asyncify.\n"
    '    """\n'
    "    import asyncio\n"
    "    import collections\n"
    "    import functools\n"
    "\n"
    "    from sqlalchemy.pool import AsyncAdaptedQueuePool\n"
    "    from sqlalchemy.util.queue import AsyncAdaptedQueue\n"
    "\n"
    "    class HandOff:  # the part of asyncio.Queue the pool's queue uses\n"
    "        def __init__(self, maxsize, lifo):\n"
    "            self.maxsize, self.lifo = maxsize, lifo\n"
    "            self.idle = collections.deque()\n"
    "            self.waiters = collections.deque()\n"
    "\n"
    "        def qsize(self):\n"
    "            return len(self.idle)\n"
    "\n"
    "        def empty(self):\n"
    "            return not self.idle\n"
    "\n"
    "        def full(self):\n"
    "            return 0 < self.maxsize <= len(self.idle)\n"
    "\n"
    "        def put_nowait(self, connection):\n"
    "            while self.waiters:\n"
    "                waiter = self.waiters.popleft()\n"
    "                if not waiter.done():\n"
    "                    waiter.set_result(connection)\n"
    "                    return\n"
    "            if self.full():\n"
    "                raise asyncio.QueueFull\n"
    "            self.idle.append(connection)\n"
    "\n"
    "        def get_nowait(self):\n"
    "            if not self.idle:  # (nobody waits while a connection is idle)\n"
    "                raise asyncio.QueueEmpty\n"
    "            return self.idle.pop() if self.lifo else self.idle.popleft()\n"
    "\n"
    "        async def get(self):\n"
    "            if self.idle:\n"
    "                return self.get_nowait()\n"
    "            waiter = asyncio.get_running_loop().create_future()\n"
    "            self.waiters.append(waiter)\n"
    "            try:\n"
    "                return await waiter\n"
    "            except BaseException:  # timed out or cancelled\n"
    "                if waiter.done() and not waiter.cancelled():\n"
    "                    # handed a connection just then: to the next in line\n"
    "                    self.put_nowait(waiter.result())\n"
    "                elif waiter in self.waiters:\n"
    "                    self.waiters.remove(waiter)\n"
    "                raise\n"
    "\n"
    "    class Queue(AsyncAdaptedQueue):\n"
    "        @functools.cached_property\n"
    "        def _queue(self):\n"
    "            return HandOff(self.maxsize, self.use_lifo)\n"
    "\n"
    "    class FifoQueuePool(AsyncAdaptedQueuePool):\n"
    "        _queue_class = Queue\n"
    "\n"
    "    pool = engine.sync_engine.pool\n"
    "    if type(pool) is AsyncAdaptedQueuePool:\n"
    "        pool.__class__ = FifoQueuePool  # unused yet: the same pool, recreated\n"
    "        engine.sync_engine.pool = pool.recreate()\n"
    "    return engine\n"
)


def fifo_pool(context: CodemodContext, engine: cst.BaseExpression) -> cst.Call:
    """``_fifo_pool(engine)``; the helper (and its ``AsyncEngine`` import) is added to the module
    when the rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    AddImportsVisitor.add_needed_import(context, "sqlalchemy.ext.asyncio", "AsyncEngine")
    return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(engine)])

