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

Only engines ``AsyncEngine`` converts: SQLAlchemy's ``create_engine``, not kept sync for held code.
"""

from __future__ import annotations

import libcst as cst

from .. import sqla
from ..names import Callee
from .base import AsyncifyCodemod
from .imports import ImportSwaps

_POOL_MODULES = ("sqlalchemy.pool", "sqlalchemy.pool.impl", "sqlalchemy")
#: Pool classes ``create_async_engine`` accepts (``Pool._is_asyncio`` or not bound to threads).
ASYNC_POOLS = frozenset({"NullPool", "StaticPool", "AsyncAdaptedQueuePool", "FallbackAsyncAdaptedQueuePool"})
#: Sync pool class → its asyncio counterpart with the same arguments and behaviour.
POOL_SWAPS = {"QueuePool": "AsyncAdaptedQueuePool"}
#: Pool classes with no asyncio counterpart.
SYNC_ONLY_POOLS = frozenset({"SingletonThreadPool", "AssertionPool"})


def _pool_name(qualified: str) -> str | None:
    """``QueuePool`` for ``sqlalchemy.pool.QueuePool`` (or ``sqlalchemy.QueuePool``, ``….impl.QueuePool``)."""
    module, _, name = qualified.rpartition(".")
    return name if module in _POOL_MODULES else None


class AsyncPool(ImportSwaps, AsyncifyCodemod):
    DESCRIPTION = "poolclass=QueuePool → AsyncAdaptedQueuePool on engines that become async; sync-only pools reported."
    TRIGGERS = ("create_engine",)

    def visit_Module(self, node: cst.Module) -> None:
        self._kept = self.kept_values(node)

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
        for original, arg in zip(original_node.args, updated_node.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
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
        return updated_node.with_changes(args=args)

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
