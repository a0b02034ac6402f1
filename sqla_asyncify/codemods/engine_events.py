"""Event listeners on an engine move to ``engine.sync_engine`` (rules §3.14).

``event.listen(async_engine, ...)`` / ``@event.listens_for(async_engine, ...)`` raise
``NotImplementedError: asynchronous events are not implemented at this time`` (at import time, for
the decorator). Listeners on ``AsyncEngine.sync_engine`` fire as before, and their bodies stay
sync, so ``event.listen(engine, "connect", f)`` → ``event.listen(engine.sync_engine, "connect", f)``
is exact (``listens_for``, ``remove`` and ``contains`` alike). A listener on a sessionmaker cannot
follow it (``async_sessionmaker`` has no events): it is reported with the fix.
"""

from __future__ import annotations

import libcst as cst

from ..names import Callee
from ..plan import ENGINE, SESSIONMAKER
from .base import AsyncifyCodemod

EVENT_FUNCTIONS = frozenset(
    {
        f"sqlalchemy.{m}.{f}"
        for m in ("event", "event.api")
        for f in ("listen", "listens_for", "remove", "contains")
    }
)


class EngineEvents(AsyncifyCodemod):
    DESCRIPTION = "event.listen(engine, ...) → event.listen(engine.sync_engine, ...)."
    TRIGGERS = ("event",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        callee = Callee.of(original_node.func)
        if callee is None or callee.calls or self.plan.qualify(self.module_name, callee) not in EVENT_FUNCTIONS:
            return updated_node
        if not original_node.args or original_node.args[0].keyword is not None:
            return updated_node
        target = Callee.of(original_node.args[0].value)
        if target is None or target.calls:
            return updated_node
        ty = self.plan.type_of(self.context_qualname, target)
        kept = self.plan.global_of(self.context_qualname, str(target)) if self.plan.sync_wiring else None
        if kept is not None and self.plan.keeps_sync(kept):
            twin = self.plan.twins.get(kept)
            if twin is not None and ty == ENGINE:
                self.report(
                    original_node,
                    f"a listener on `{target}`, which stays sync for held code: `{twin}`, added beside it for "
                    "migrated code, does not get it",
                    f"listen on `{twin}.sync_engine` too (e.g. `event.listen({twin}.sync_engine, ...)`)",
                    rule="coexist-sessions",
                )
            return updated_node
        if ty == ENGINE:
            first = updated_node.args[0]
            return updated_node.with_changes(
                args=[first.with_changes(value=cst.Attribute(first.value, cst.Name("sync_engine"))), *updated_node.args[1:]]
            )
        if ty == SESSIONMAKER:
            self.report(
                original_node,
                "session events cannot be listened for on an async_sessionmaker (InvalidRequestError: No such event)",
                "give the async_sessionmaker a sync sessionmaker as `sync_session_class=` and listen on that, "
                "or listen on the `Session` class",
                rule="session-events",
            )
        return updated_node
