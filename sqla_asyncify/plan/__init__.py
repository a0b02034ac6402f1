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
from .relationships import Relationships
from .wiring import SYNC_SESSIONMAKERS, TWIN_SESSION_METHODS, Wiring, twin_name
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


#: What to do with ``metadata.create_all(engine)`` where nothing can await it (import time).
METADATA_DDL_FIX = (
    "run it from async startup code (the FastAPI lifespan, an `async def init_models()`): "
    "`async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)`"
)


class Plan(Wiring, Relationships):
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
        self._keep_sync_wiring()
        callers: dict[str, list[tuple[str, int]]] = {}
        queue: deque[str] = deque()
        for fn in self.functions.values():
            for site in fn.calls:
                target = self.classify(fn.qualname, site.callee, site.in_with)
                if target.is_session_io:
                    fix = METADATA_DDL_FIX if target.kind == "metadata-io" else ""
                    detail = str(site.callee) if not site.in_with else f"with {site.callee}()"
                    self._mark(fn, Reason("io", detail, site.line, fix), queue)
                elif target.kind == "function" and not self.functions[target.name].is_generator:
                    if site.main_guard:
                        continue  # ``if __name__ == "__main__": main()`` → ``asyncio.run(main())``
                    callers.setdefault(target.name, []).append((fn.qualname, site.line))
                    callee = self.functions[target.name]
                    if callee.is_async and not site.awaited and not site.argument:
                        # A bare call of an existing coroutine function from sync code: the caller
                        # must await it too (this is also how a migrated tree stays a fixed point).
                        self._mark(fn, Reason("call", callee.qualname, site.line), queue)
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

    def _spread(self, queue: deque[str], callers: Mapping[str, list[tuple[str, int]]]) -> None:
        while queue:
            callee = queue.popleft()
            for caller, line in callers.get(callee, ()):
                self._mark(self.functions[caller], Reason("call", callee, line), queue)

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

    def _mark(self, fn: FunctionInfo, reason: Reason, queue: deque[str]) -> None:
        if fn.is_async or fn.qualname in self.to_async:
            return
        if fn.qualname in self.held_sync:
            if fn.kind == "function":
                self._hold(fn, reason, queue)
            return  # module-level code of a module held whole: untouched, sync, consistent
        if fn.kind == "lambda" and reason.kind == "call" and reason.detail in self.bridged:
            return  # ``lambda sync_session: held(...)`` inside ``run_sync``: sync code calling sync code
        if reason.kind == "call" and fn.qualname not in self._entry_io and self.entry_framework(fn) is not None:
            # A command or task calling code made async: it stays sync and runs the call with
            # ``asyncio.run`` (``_settle_entries`` checks no event loop can be running there).
            self.entries.setdefault(fn.qualname, reason)
            return
        if reason.kind == "io" and self.entry_framework(fn) is not None:
            self._entry_io.add(fn.qualname)  # its own session I/O: reported, left as it is
            self.entries.pop(fn.qualname, None)
        why_not = self.boundary_reason(fn)
        if why_not is not None:
            if (fn.qualname, reason.line) in self._reported:
                return
            self._reported.add((fn.qualname, reason.line))
            chain = " -> ".join(self.chain_from(reason))
            self.items.append(
                ReportItem(
                    self._function_module[fn.qualname].path,
                    reason.line,
                    "sync-boundary",
                    f"`{fn.qualname}` must stay sync ({why_not}) but reaches session I/O: {chain}",
                    reason.fix
                    or (
                        "move its body into an `async def` and run that with `asyncio.run(...)`"
                        if self.entry_framework(fn) is not None
                        else "move the I/O out of it, or call it through `await session.run_sync(...)`"
                    ),
                )
            )
            return
        self.to_async[fn.qualname] = reason
        queue.append(fn.qualname)

    def _hold(self, fn: FunctionInfo, reason: Reason, queue: deque[str]) -> None:
        """A function held sync that reaches session I/O: async callers bridge to it with
        ``await session.run_sync(...)``, which hands it a sync ``Session``. Held code that calls a
        function made async cannot work that way, and is reported."""
        if reason.kind == "call" and reason.detail in self.to_async and (fn.qualname, reason.line) not in self._reported:
            self._reported.add((fn.qualname, reason.line))
            self.items.append(
                ReportItem(
                    self._function_module[fn.qualname].path,
                    reason.line,
                    "sync-calls-async",
                    f"`{fn.qualname}` is {self.held_sync[fn.qualname]} but calls `{reason.detail}`, "
                    f"which becomes async: {' -> '.join(self.chain_from(reason))}",
                    f"hold `{reason.detail}` sync too, or migrate `{fn.qualname}`",
                )
            )
        if fn.qualname not in self.bridged:
            if self._opens_own_sync_session(fn):
                return  # it needs no session from its callers: they call it as they are
            self.bridged[fn.qualname] = reason
            queue.append(fn.qualname)

    # -- queries for transformers and the CLI --------------------------------------------------
    def becomes_async(self, qualname: str) -> bool:
        return qualname in self.to_async

    def is_async(self, qualname: str) -> bool:
        """Async after the rewrite: already ``async def``, or made so."""
        fn = self.functions.get(qualname)
        return qualname in self.to_async or (fn is not None and fn.is_async)

    def chain_from(self, reason: Reason) -> list[str]:
        """``[callee, …, io]`` for a reason: the calls down to session I/O."""
        chain: list[str] = []
        seen: set[str] = set()
        while reason.kind == "call" and reason.detail not in seen:
            seen.add(reason.detail)
            chain.append(reason.detail)
            next_reason = self.to_async.get(reason.detail) or self.bridged.get(reason.detail)
            if next_reason is None:
                break
            reason = next_reason
        if reason.kind == "io":
            chain.append(reason.detail)
        return chain

    def chain(self, qualname: str) -> list[str]:
        """``[qualname, callee, …, io]``: why ``qualname`` becomes async (empty if it does not)."""
        reason = self.to_async.get(qualname)
        return [] if reason is None else [qualname, *self.chain_from(reason)]

    def has_async_work(self, module: str) -> bool:
        """Whether anything in ``module`` becomes async, awaits, or bridges: else the plan-driven
        transformers have nothing to do there."""
        return module in self._modules_with_async_work

    @cached_property
    def _modules_with_async_work(self) -> frozenset[str]:
        found = set()
        for index in self.modules.values():
            for fn in index.functions:
                if fn.qualname in self.to_async or fn.is_async:
                    found.add(index.module)
                    break
                if any(self._site_needs_work(fn, site) for site in fn.calls):
                    found.add(index.module)
                    break
        return frozenset(found)

    def _site_needs_work(self, fn: FunctionInfo, site: CallSite) -> bool:
        target = self.classify(fn.qualname, site.callee, site.in_with)
        if target.is_session_io:
            return True
        return target.kind == "function" and (target.name in self.to_async or target.name in self.bridged)

