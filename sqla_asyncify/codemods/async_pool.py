"""Pool arguments of an engine that becomes async: the pool class and a sync ``creator=``.

Every keyword of ``create_engine(...)`` is kept by ``AsyncEngine`` (``pool_size``, ``max_overflow``,
``pool_timeout``, ``pool_recycle``, ``pool_pre_ping``, ``pool_use_lifo`` mean the same on
``create_async_engine``). Two do not carry as written, and ``create_async_engine`` refuses them when
the application starts:

* ``poolclass=QueuePool`` → ``poolclass=AsyncAdaptedQueuePool``: the same pool (a ``QueuePool``
  subclass, what ``create_async_engine`` uses by default) over an asyncio queue; the other pool
  arguments keep their meaning. ``NullPool``, ``StaticPool`` and the async pools are kept.
* ``poolclass=SingletonThreadPool`` (one connection per thread: no asyncio meaning) and any other
  class from ``sqlalchemy.pool`` that is not async-ready are left and reported (``sync-pool``);
  so is ``creator=`` (it returns a sync driver's connection: ``async_creator=`` must return an
  async driver's). Those are the engine's own decisions about connections: the fix needs a person.

``pool_pre_ping=True`` on an engine that will reach asyncpg (a visible PostgreSQL URL, or one known
only at run time while asyncpg is PostgreSQL's async driver) costs three round trips per checkout
instead of one: the keyword is dropped and the engine wrapped in the one-round-trip check
(``checkout_ping.py``), reported as done (``asyncpg-pre-ping``). A value other than ``True`` is
left and reported with that fix.

An engine whose pool is sized in the call (``pool_size=``/``max_overflow=``) and is SQLAlchemy's queue
pool is wrapped in the pool that serves waiting requests in order (``fifo_pool.py``), reported as
done (``fifo-pool``); outside the ping wrapper: ``_fifo_pool(_ping_on_checkout(create_async_engine(...)))``.

Only engines ``AsyncEngine`` converts: SQLAlchemy's ``create_engine``, not kept sync for held code.
"""

from __future__ import annotations

import libcst as cst

from .. import sqla
from ..names import Callee
from .async_engine import ASYNC_READY, _leading_text, async_driver_for, url_scheme
from .base import AsyncifyCodemod
from .checkout_ping import HELPER, ping_on_checkout
from .fifo_pool import HELPER as FIFO_HELPER
from .fifo_pool import fifo_pool
from .imports import ImportSwaps
from .runtime_url import DIALECT_ASYNC_DRIVERS

_POOL_MODULES = ("sqlalchemy.pool", "sqlalchemy.pool.impl", "sqlalchemy")
#: Pool classes ``create_async_engine`` accepts (``Pool._is_asyncio`` or not bound to threads).
ASYNC_POOLS = frozenset({"NullPool", "StaticPool", "AsyncAdaptedQueuePool", "FallbackAsyncAdaptedQueuePool"})
#: Sync pool class → its asyncio counterpart with the same arguments and behaviour.
POOL_SWAPS = {"QueuePool": "AsyncAdaptedQueuePool"}
#: Pool classes with no asyncio counterpart.
SYNC_ONLY_POOLS = frozenset({"SingletonThreadPool", "AssertionPool"})
#: The pool classes that queue requests for a bounded number of connections.
_QUEUE_POOLS = frozenset({"QueuePool", "AsyncAdaptedQueuePool"})
#: The async driver whose pre-ping costs three round trips (``BEGIN; ; ROLLBACK``).
_TRANSACTIONAL_PING_DRIVER = "postgresql+asyncpg"


def _pool_name(qualified: str) -> str | None:
    """``QueuePool`` for ``sqlalchemy.pool.QueuePool`` (or ``sqlalchemy.QueuePool``, ``….impl.QueuePool``)."""
    module, _, name = qualified.rpartition(".")
    return name if module in _POOL_MODULES else None


def _literal_int(node: cst.BaseExpression | None) -> int | None:
    """``20`` for ``20``, ``-1`` for ``-1``; None for anything else."""
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and isinstance(node.expression, cst.Integer):
        return -int(node.expression.value)
    return None


class AsyncPool(ImportSwaps, AsyncifyCodemod):
    DESCRIPTION = "poolclass=QueuePool → AsyncAdaptedQueuePool on engines that become async; sync-only pools reported; sized pools serve waiters in order."
    TRIGGERS = ("create_engine",)

    def visit_Module(self, node: cst.Module) -> None:
        self._kept = self.kept_values(node)
        #: Module-level ``NAME = "literal"`` URLs (None: bound more than once), for the ping's driver.
        self._constants: dict[str, cst.BaseExpression | None] = {}
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    target = value = None
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target, value = small.targets[0].target, small.value
                    elif isinstance(small, cst.AnnAssign):
                        target, value = small.target, small.value
                    if isinstance(target, cst.Name) and value is not None:
                        self._constants[target.value] = None if target.value in self._constants else value

    def _converted_engine(self, call: cst.Call) -> bool:
        callee = Callee.of(call.func)
        return (
            callee is not None
            and not callee.calls
            and self.plan.qualify(self.module_name, callee) in sqla.SYNC_ENGINE_FACTORIES
            and id(call) not in self._kept
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._converted_engine(original_node):
            return updated_node
        args = []
        pinged = False
        for original, arg in zip(original_node.args, updated_node.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "pool_pre_ping":
                pinged = self._pre_ping(original_node, original)  # the keyword goes when the rewrite ends
            if keyword == "poolclass":
                arg = self._poolclass(original, arg)
            elif keyword == "creator":
                self.report(
                    original,
                    "`creator=` returns a connection of a sync driver: create_async_engine cannot use it",
                    "pass `async_creator=` an async function returning the async driver's connection "
                    "(e.g. `await asyncpg.connect(...)`), or drop it and put the settings in the URL",
                    rule="sync-pool",
                )
            args.append(arg)
        updated_node = updated_node.with_changes(args=args)
        engine: cst.BaseExpression = ping_on_checkout(self.context, updated_node) if pinged else updated_node
        if self._sized_queue_pool(original_node):
            self.report(
                original_node,
                f"the pool is sized in the call: the engine became `{FIFO_HELPER}(engine)`, which hands a "
                "returned connection to the longest-waiting request (the sync app's thread pool queued "
                "requests in order; SQLAlchemy's async pool lets a request arriving just then take it, "
                "and under load a few requests wait many turns); sizes, `pool_timeout`, pre-ping and "
                "recycle are the pool's own",
                f"nothing to do; to keep SQLAlchemy's async pool queue as it is, drop `{FIFO_HELPER}`",
                rule="fifo-pool",
            )
            engine = fifo_pool(self.context, engine)
        return engine

    # -- a sized queue pool: waiters served in order ----------------------------------------------
    def _sized_queue_pool(self, call: cst.Call) -> bool:
        """Whether the call sizes a queue pool that can run out: ``pool_size=``/``max_overflow=``
        given, neither unbounded (``pool_size=0``, ``max_overflow=-1``), the pool class SQLAlchemy's
        queue pool (none given, ``QueuePool``, ``AsyncAdaptedQueuePool``), the URL not an in-memory
        SQLite database (its async pool is a ``StaticPool``; the helper checks at run time too)."""
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        if not ({"pool_size", "max_overflow"} & keywords.keys()) or "pool" in keywords:
            return False
        if _literal_int(keywords.get("pool_size")) == 0 or _literal_int(keywords.get("max_overflow")) == -1:
            return False
        poolclass = keywords.get("poolclass")
        if poolclass is not None:
            callee = Callee.of(poolclass)
            if callee is None or callee.calls:
                return False
            if _pool_name(self.plan.qualify(self.module_name, callee)) not in _QUEUE_POOLS:
                return False
        url = self._url(call)
        text = _leading_text(url) if url is not None else None
        if text is not None and text[1].startswith("sqlite"):
            path = text[1].rstrip("'\"")
            return not (path.endswith("://") or ":memory:" in path or "mode=memory" in path)
        return True

    # -- pool_pre_ping under asyncpg -------------------------------------------------------------
    def _url(self, call: cst.Call) -> cst.BaseExpression | None:
        """The engine's URL expression (a module constant: its value), or None."""
        url = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "url"), None)
        if url is None and call.args and call.args[0].keyword is None and not call.args[0].star:
            url = call.args[0].value
        if isinstance(url, cst.Name) and self._constants.get(url.value) is not None:
            url = self._constants[url.value]
        return url

    def _async_scheme(self, call: cst.Call) -> str | None:
        """The ``dialect+driver`` the async engine will use, or None when the URL is known only at run
        time (an environment variable, a setting, a parameter)."""
        url = self._url(call)
        scheme = url_scheme(url) if url is not None else None
        if scheme is None:
            return None
        return scheme if scheme in ASYNC_READY else async_driver_for(scheme, self.plan.async_drivers)

    def _pre_ping(self, call: cst.Call, arg: cst.Arg) -> bool:
        """Whether the ping of this engine is rewritten to one round trip (else reported, or fine)."""
        if isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None"):
            return False
        scheme = self._async_scheme(call)
        postgres_driver = "postgresql+" + {**DIALECT_ASYNC_DRIVERS, **self.plan.async_drivers}["postgresql"]
        if scheme == _TRANSACTIONAL_PING_DRIVER:
            where = "this engine reaches PostgreSQL through asyncpg, whose"
        elif scheme is None and postgres_driver == _TRANSACTIONAL_PING_DRIVER:
            where = "the URL is known only at run time: if it names PostgreSQL, the engine uses asyncpg, whose"
        else:
            return False
        cost = (
            f"{where} ping is `BEGIN; ; ROLLBACK` (SQLAlchemy's asyncpg dialect): three round trips on "
            "every checkout where the sync driver's `SELECT 1` was one"
        )
        if isinstance(arg.value, cst.Name) and arg.value.value == "True":
            self.report(
                arg,
                f"`pool_pre_ping=True` became `{HELPER}(engine)`: {cost}; the helper's is one `SELECT 1`, "
                "and like pool_pre_ping it skips a connection just opened and replaces one found "
                "closed (with the pool's older ones)",
                f"nothing to do; to keep SQLAlchemy's own ping, put `pool_pre_ping=True` back and drop `{HELPER}`",
                rule="asyncpg-pre-ping",
            )
            return True
        self.report(
            arg,
            f"`pool_pre_ping` is kept as written (not the literal True): {cost}, so each request waits "
            "two more round trips for the database",
            f"to keep the check at one round trip, drop `pool_pre_ping` and wrap the engine in the "
            f"`{HELPER}` helper the page gives (pool `connect`/`checkout` listeners); or rely on "
            "`pool_recycle=` below the server's idle timeout",
            rule="asyncpg-pre-ping",
        )
        return False

    def _poolclass(self, original: cst.Arg, arg: cst.Arg) -> cst.Arg:
        callee = Callee.of(original.value)
        if callee is None or callee.calls:
            return arg
        qualified = self.plan.qualify(self.module_name, callee)
        name = _pool_name(qualified)
        if name in POOL_SWAPS:
            new = POOL_SWAPS[name]
            value = arg.value
            if isinstance(value, cst.Attribute):  # ``sa.pool.QueuePool``: the module reaches the new name too
                return arg.with_changes(value=value.with_changes(attr=cst.Name(new)))
            self.queue_swap(original.value, qualified, "sqlalchemy.pool", new)
            return arg.with_changes(value=cst.Name(new))  # also for an alias: the swap imports the new name
        if name in SYNC_ONLY_POOLS:
            self.report(
                original,
                f"`poolclass={name}` has no asyncio counterpart: create_async_engine refuses it",
                "drop `poolclass=` (the default AsyncAdaptedQueuePool), or `StaticPool` for one shared "
                "connection (an in-memory SQLite database), `NullPool` for none",
                rule="sync-pool",
            )
        return arg
