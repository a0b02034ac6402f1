"""The plan: project-wide decisions, derived from the module indexes, read by every transformer.

Given every ``ModuleIndex`` of the project, the plan answers, by qualified name:

* what a name in a function denotes (a session, a sessionmaker, an instance of a project class, a
  project function…): a small flow-insensitive type inference over parameters, annotations,
  ``Depends(...)``, local bindings, ``self.<attr>`` assignments and function return values;
* what a call does (session I/O that must be awaited, a sync session call, a call of a project
  function) — ``classify``;
* which functions must become ``async def``: a fixpoint from direct session I/O up through callers,
  across modules, stopped at boundaries that cannot be async (``__init__``, properties, lambdas,
  module-level code), each reported with the chain that reached it.

The plan is pure data over the index; it never touches a syntax tree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from .. import sqla
from ..index import Binding, CallSite, ClassInfo, FunctionInfo, ModuleIndex, Param
from ..names import Callee
from ..report import ReportItem
from .fixpoint import METADATA_DDL_FIX, Fixpoint
from .relationships import Relationships
from .wiring import SYNC_SESSIONMAKERS, TWIN_SESSION_METHODS, twin_name
from .types import (
    ASYNC_HTTP_CLIENT,
    ASYNC_HTTP_CLIENT_CLASS,
    AWAITED_KINDS,
    CONNECTION,
    CONTEXT_KINDS,
    DECLARATIVE_BASE_FACTORY,
    ENGINE,
    ENGINE_FACTORY,
    HTTP_CLIENT_CLASS,
    HTTP_CLIENT_KIND,
    IO_KINDS,
    METADATA,
    METADATA_CLASS,
    METADATA_OWNER,
    OTHER,
    SESSION,
    SESSION_CLASS,
    SESSIONMAKER,
    SESSIONMAKER_FACTORY,
    UNKNOWN,
    Reason,
    Target,
    Ty,
)


class Plan(Fixpoint, Relationships):
    """Project-wide answers for the rewrite. Build with ``Plan.build(indexes)``."""

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        indexes: Iterable[ModuleIndex],
        held_sync: Mapping[str, str] | Iterable[str] = (),
        async_drivers: Mapping[str, str] | None = None,
        frozen: Iterable[str] = (),
        expire_on_commit: str = "false",
    ) -> Plan:
        held = dict(held_sync) if isinstance(held_sync, Mapping) else dict.fromkeys(held_sync, "held sync by configuration")
        plan = cls(
            {m.module: m for m in indexes},
            held_sync=held,
            async_drivers=dict(async_drivers or {}),
            frozen=frozenset(frozen),
            expire_on_commit=expire_on_commit,
        )
        plan._solve()
        return plan

    def _solve(self) -> None:
        """Held code and its wiring first (they stop the spread), then the async fixpoint from
        direct I/O up through callers, then the test clients it converts (which spread further),
        then which sync entry points can run what they call under ``asyncio.run``."""
        self._keep_sync_wiring()
        queue, callers = self._seed()
        self._spread(queue, callers)
        self._convert_http_clients(queue, callers)
        self._settle_entries(callers)

    def _settle_entries(self, callers: Mapping[str, list[tuple[str, int]]]) -> None:
        """An entry point that async code also calls directly may run where an event loop is running,
        and ``asyncio.run`` would raise there: it is left as it is and reported (``sync-calls-async``)."""
        for qualname, reason in list(self.entries.items()):
            if qualname in self._entry_io:
                del self.entries[qualname]
                continue
            for caller, line in callers.get(qualname, ()):
                if self.is_async(caller):
                    del self.entries[qualname]
                    chain = " -> ".join([qualname, *self.chain_from(reason)])
                    self.items.append(
                        ReportItem(
                            self._function_module[qualname].path,
                            self.functions[qualname].line,
                            "sync-calls-async",
                            f"`{qualname}` is called synchronously ({self.entry_framework(self.functions[qualname])}) "
                            f"and also by async `{caller}` (line {line}), where an event loop runs and `asyncio.run` "
                            f"would raise; it calls code made async: {chain}",
                            "split it: an `async def` the async caller awaits, and the sync entry running it "
                            "with `asyncio.run(...)`",
                        )
                    )
                    break

    # -- HTTP test clients: one event loop -----------------------------------------------------
    def _convert_http_clients(self, queue: deque[str], callers: Mapping[str, list[tuple[str, int]]]) -> None:
        """``TestClient`` runs the app on its own loop (in a thread); a test or fixture made async
        runs on pytest-asyncio's session loop, with the app's pooled connections. A client such a
        test uses (itself, or through the fixtures it requests) becomes an ``httpx.AsyncClient`` on
        the app (``ASGITransport``): its requests are awaited, so every function sending them
        becomes async too, which can convert further clients — a fixpoint. Clients used only by
        sync code (an HTTP-only suite) stay."""
        if not any(target in sqla.TEST_CLIENT_CLASSES for m in self.modules.values() for _, target in m.imports):
            return  # the common case: no test client anywhere, no per-call typing to pay for
        while True:
            new = {origin for q in list(self.to_async) for origin in self._http_clients_used(self.functions[q])}
            new -= self.http_clients
            if not new:
                return
            self.http_clients |= new
            for fn in self.functions.values():
                for site in fn.calls:
                    if site.in_with and self.http_client_built_with(fn.qualname, site) in new:
                        self._mark(fn, Reason("io", f"with {site.callee}()", site.line), queue)
                    elif self.classify(fn.qualname, site.callee, site.in_with).kind == "http-io":
                        self._mark(fn, Reason("io", str(site.callee), site.line), queue)
            self._spread(queue, callers)

    def http_client_built_with(self, scope: str, site: CallSite) -> str | None:
        """For ``with TestClient(app) as c`` in ``scope``: the origin of ``c``, else None."""
        if self.type_of(scope, site.callee) != HTTP_CLIENT_CLASS:
            return None
        fn = self.functions[scope]
        for b in fn.bindings:
            if b.line == site.line and b.called and b.value == site.callee:
                return f"{scope}:{b.name}"
        return None

    def _http_clients_used(self, fn: FunctionInfo) -> set[str]:
        """Origins of the ``TestClient``s ``fn`` sends requests on, or gets from its fixtures."""
        found = set()
        for site in fn.calls:
            if site.callee.path:
                ty = self.type_of(fn.qualname, site.callee.prefix(len(site.callee.path) - 1))
                if ty.kind == HTTP_CLIENT_KIND and ty.name:
                    found.add(ty.name)
        if fn.kind == "function" and self._takes_fixtures(fn):
            for fixture in self._fixture_closure(fn):
                ty = self._call_type(Ty("function", fixture), frozenset())
                if ty.kind == HTTP_CLIENT_KIND and ty.name:
                    found.add(ty.name)
        return found

    def is_http_client(self, scope: str, callee: Callee) -> bool:
        """Whether ``callee`` (not called) is an HTTP client whose requests are awaited after the rewrite."""
        ty = self.type_of(scope, callee)
        return ty == ASYNC_HTTP_CLIENT or (ty.kind == HTTP_CLIENT_KIND and ty.name in self.http_clients)

