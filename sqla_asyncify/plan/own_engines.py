"""Functions that build an engine of their own and hand its connections to sync code outside
SQLAlchemy: they stay sync, engine and all.

    def at_head(cfg):
        engine = create_engine(url)
        with engine.begin() as conn:
            context = MigrationContext.configure(conn)      # Alembic: sync, inspects `conn`
            return context.get_current_heads() == ...

Made async, ``conn`` would be an ``AsyncConnection``, which such code cannot use (Alembic calls
``inspect(conn)``: ``NoInspectionAvailable``; other libraries call ``conn.execute`` and get a
coroutine). Nothing outside the function shares the engine, so the function is held sync whole
(``Plan.build``): its engine and URL stay sync, and async callers call it as it is, sync code
that blocks the event loop while it runs (reported, with the way out).
"""

from __future__ import annotations

from .. import sqla
from ..index import FunctionInfo
from .boundaries import Boundaries

#: Why such a function is held sync.
OWN_ENGINE_REASON = "held sync: it hands a connection of an engine it builds itself to `{consumer}`, sync code outside SQLAlchemy"


class OwnEngines(Boundaries):
    """``own_engine_consumers``: the functions to hold, and the sync code their connection goes to."""

    def own_engine_consumers(self) -> dict[str, str]:
        """Function qualname → the call outside SQLAlchemy and the project that receives a
        connection of an engine the function builds locally (``create_engine`` bound to a local)."""
        found: dict[str, str] = {}
        for fn in self.functions.values():
            if fn.kind != "function" or fn.is_async:
                continue
            consumer = self._own_connection_consumer(fn)
            if consumer is not None:
                found[fn.qualname] = consumer
        return found

    def _own_connection_consumer(self, fn: FunctionInfo) -> str | None:
        module = self._function_module[fn.qualname].module
        bound = [b.name for b in fn.bindings]
        engines = {
            b.name
            for b in fn.bindings
            if b.called and self.qualify(module, b.value) in sqla.SYNC_ENGINE_FACTORIES and bound.count(b.name) == 1
        }
        if not engines:
            return None
        connections = {
            b.name
            for b in fn.bindings
            if b.called and b.value.root in engines and len(b.value.path) == 1 and b.value.path[0] in ("begin", "connect")
        }
        for site in fn.calls:
            if not any(not arg.path and arg.root in connections for _, arg in site.args):
                continue
            if site.callee.root in connections or site.callee.root in engines:
                continue  # the connection's own methods
            if site.callee.root not in self._imports.get(module, {}):
                continue  # a local or a name the plan cannot place
            if self.classify(fn.qualname, site.callee, site.in_with, site.args).kind != "other":
                continue  # SQLAlchemy's own API the rewrite converts (``Base.metadata.create_all(conn)``)
            qualified = self.qualify(module, site.callee)
            if qualified.split(".", 1)[0] in ("sqlalchemy", "sqlmodel") or self._in_project(qualified):
                continue  # SQLAlchemy's own API, or project code the plan migrates
            return qualified
        return None

    def _in_project(self, qualified: str) -> bool:
        parts = qualified.split(".")
        return any(".".join(parts[:i]) in self.modules for i in range(1, len(parts) + 1))
