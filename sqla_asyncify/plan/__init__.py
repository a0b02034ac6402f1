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
from .boundaries import Boundaries
from .relationships import Relationships
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


#: ``sessionmaker`` itself: the factory a twin ``async_sessionmaker`` can be built beside.
SYNC_SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
#: Session methods a dependency may call and still be given an async twin (open, commit, close).
TWIN_SESSION_METHODS = frozenset({"close", "commit", "rollback", "flush", "begin", "add", "expunge_all"})


def twin_name(name: str, kind: str) -> str:
    """The async twin's name: ``engine`` → ``async_engine``, ``SessionLocal`` → ``AsyncSessionLocal``,
    ``session_factory`` → ``async_session_factory``, ``get_db`` → ``get_async_db``."""
    if kind == "provider" and name.startswith("get_"):
        return f"get_async_{name[4:]}"
    if kind == "sessionmaker" and "Session" in name:
        return name.replace("Session", "AsyncSession", 1)
    if kind == "sessionmaker" and "session" in name:
        return name.replace("session", "async_session", 1)
    if name.isupper():
        return f"ASYNC_{name}"
    return f"Async{name}" if name[:1].isupper() else f"async_{name}"

#: What to do with ``metadata.create_all(engine)`` where nothing can await it (import time).
METADATA_DDL_FIX = (
    "run it from async startup code (the FastAPI lifespan, an `async def init_models()`): "
    "`async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)`"
)


class Plan(Boundaries, Relationships):
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

    def _wiring_kind(self, qualname: str) -> str | None:
        memo: dict[str, str | None] = self.__dict__.setdefault("_wiring_kinds", {})
        if qualname not in memo:
            memo[qualname] = self._find_wiring_kind(qualname)
        return memo[qualname]

    def _find_wiring_kind(self, qualname: str) -> str | None:
        """"engine", "sessionmaker" (built by ``sessionmaker(...)``), "provider" (a module-level
        function returning or yielding a session: ``get_db``), "factory" (any other session
        factory: ``scoped_session``…), or None."""
        if qualname in self._globals:
            module, binding = self._globals[qualname]
            if not binding.called:
                return None
            built = self.qualify(module.module, binding.value)
            if built in sqla.SYNC_ENGINE_FACTORIES:
                return "engine"
            if built in SYNC_SESSIONMAKERS:
                return "sessionmaker"
            ty = self.symbol(qualname)
            return "factory" if ty == SESSIONMAKER else None
        fn = self.functions.get(qualname)
        if fn is None or fn.kind != "function" or fn.class_qualname or fn.parent or fn.is_async:
            return None
        return "provider" if self._call_type(Ty("function", qualname), frozenset()) == SESSION else None

    def _wiring_used(self, fn: FunctionInfo) -> set[str]:
        """The session wiring ``fn`` reads: names in its body, and its ``Depends(...)`` targets."""
        refs = [*fn.refs, *(p.depends for p in fn.params if p.depends)]
        found = set()
        for ref in refs:
            qualname = self.global_of(fn.qualname, ref) if ref in fn.refs else self._definition(ref)
            if qualname is not None and self._wiring_kind(qualname) is not None:
                found.add(qualname)
        return found

    def _migrated_user(self, fn: FunctionInfo) -> bool:
        """Code that gets the async twins of the wiring it reads: a function that is not held and can
        become async (a lambda follows the function around it; module-level code stays sync)."""
        if fn.kind == "module" or self._is_held_code(fn):
            return False
        if fn.kind == "lambda":
            parent = self.functions.get(fn.parent) if fn.parent else None
            return parent is not None and self._migrated_user(parent)
        return self.boundary_reason(fn) is None

    def _keep_sync_wiring(self) -> None:
        """Which session factories are still needed sync, and which need an async twin beside them.

        Held code (keep-sync patterns, pragmas, held modules, and what they call) keeps its sync
        ``Session``: the engine, sessionmaker and dependency it reads stay as they are (``sync_wiring``)
        — a dependency it reads is held itself — and so does what those are built from (a
        sessionmaker's engine; every sessionmaker bound to a kept engine). Code that is migrated and
        reads kept wiring gets an async twin of it (``twins``), and so does what a twin is built from.
        A dependency whose body does more than open, yield, commit/rollback and close a session gets
        no twin: migrated code depending on it is held too (reported), so nothing awaits a sync session.
        """
        no_twin: dict[str, str] = {}  # migrated code held because wiring it reads has no twin
        while True:
            self._hold_callees()
            if not self.held_sync:
                return  # the common case: nothing held, every factory is converted
            kept = dict(self.sync_wiring)
            held = dict(self.held_sync)
            for fn in self.functions.values():
                if fn.kind == "lambda" or not self._is_held_code(fn):
                    continue
                user = f"module `{fn.qualname[: -len('.<module>')]}`" if fn.kind == "module" else f"`{fn.qualname}`"
                for used in self._wiring_used(fn):
                    kept.setdefault(used, f"used by held {user}")
                    if self._wiring_kind(used) == "provider" and used not in held:
                        held[used] = f"held sync: held `{fn.qualname}` depends on it"
            for qualname in list(kept):
                kind = self._wiring_kind(qualname)
                if kind in ("sessionmaker", "factory"):
                    for engine in self._built_from(qualname, "engine"):
                        kept.setdefault(engine, f"`{qualname}` is bound to it")
            for qualname, reason in list(kept.items()):
                if self._wiring_kind(qualname) == "engine":
                    for maker in self._bound_to(qualname):
                        kept.setdefault(maker, f"bound to `{qualname}`, which stays sync")
            for qualname in list(held):
                if self._wiring_kind(qualname) == "provider":
                    kept.setdefault(qualname, held[qualname])
            twins = self._twins(kept) if kept else {}
            for fn in self.functions.values() if kept else ():
                if fn.qualname in held or not self._migrated_user(fn):
                    continue
                blocked = sorted(q for q in self._wiring_used(fn) if q in kept and q not in twins)
                if blocked:
                    held[fn.qualname] = (
                        f"held sync: it uses `{blocked[0]}`, which stays sync for held code and has no async twin"
                    )
                    no_twin[fn.qualname] = blocked[0]
            if kept == self.sync_wiring and held == self.held_sync:
                self.twins = twins
                for qualname, wiring in sorted(no_twin.items()):
                    fn = self.functions[qualname]
                    self.items.append(
                        ReportItem(
                            self._function_module[qualname].path,
                            fn.line,
                            "coexist-sessions",
                            f"`{qualname}` stays sync: it uses `{wiring}`, which held code keeps sync and which "
                            "gets no async twin (only a plain engine, `sessionmaker(...)`, or a dependency that "
                            "opens, yields, commits and closes a session does)",
                            "write the async twin by hand beside it and use it here, or migrate the held code",
                        )
                    )
                return
            self.sync_wiring, self.held_sync = kept, held

    def _built_from(self, qualname: str, kind: str) -> list[str]:
        """The wiring of ``kind`` a global's value is built from (``sessionmaker(bind=engine)``)."""
        module, binding = self._globals[qualname]
        scope = f"{module.module}.<module>"
        found = [self.global_of(scope, arg) for arg in binding.args]
        return [q for q in found if q is not None and self._wiring_kind(q) == kind]

    def _bound_to(self, engine: str) -> list[str]:
        return [q for q in self._globals if self._wiring_kind(q) in ("sessionmaker", "factory") and engine in self._built_from(q, "engine")]

    def _provider_sessionmaker(self, provider: str) -> str | None:
        """The one sessionmaker a dependency like ``get_db`` opens its session from, when its body is
        simple enough to be given an async twin (else None)."""
        fn = self.functions[provider]
        if fn.decorators:
            return None  # what a decorator makes of it is not known
        makers = set()
        for site in fn.calls:
            target = self.classify(provider, site.callee, site.in_with)
            qualname = self.global_of(provider, site.callee.root) if not site.callee.path else None
            if qualname is not None and self._wiring_kind(qualname) == "sessionmaker":
                makers.add(qualname)
            elif not (
                (target.kind in ("session-io", "session-sync") and target.name in TWIN_SESSION_METHODS)
                or (target.kind == "session-context" and target.name in ("begin", "begin_nested"))
            ):
                return None  # anything else (a project call, logging…) is not known to carry over
        return makers.pop() if len(makers) == 1 else None

    def _twins(self, kept: Mapping[str, str]) -> dict[str, str]:
        """Kept wiring that migrated code reads (and what those twins are built from) → twin name."""
        wanted: set[str] = set()
        for fn in self.functions.values():
            if fn.kind != "module" and self._migrated_user(fn):
                wanted |= self._wiring_used(fn) & kept.keys()
        twins: dict[str, str] = {}
        todo = sorted(wanted)
        while todo:
            qualname = todo.pop()
            if qualname in twins:
                continue
            kind = self._wiring_kind(qualname)
            needs: list[str] = []
            if qualname.rpartition(".")[0] in self.frozen:
                continue  # a file the user kept as it is: nothing can be added to it
            if not self._defined_once_at_top_level(qualname):
                continue  # the twin goes right after one top-level definition, or nowhere
            if kind == "provider":
                maker = self._provider_sessionmaker(qualname)
                if maker is None:
                    continue
                needs = [maker]
            elif kind == "sessionmaker":
                needs = self._built_from(qualname, "engine")
                if len(needs) != 1:
                    continue  # no visible engine (``sessionmaker()`` configured later): no twin
            elif kind != "engine":
                continue  # ``scoped_session``, custom factories: no twin
            twins[qualname] = twin_name(qualname.rpartition(".")[2], kind)
            todo.extend(needs)
        # A twin needs the twins of what it is built from.
        changed = True
        while changed:
            changed = False
            for qualname in list(twins):
                kind = self._wiring_kind(qualname)
                needs = [self._provider_sessionmaker(qualname)] if kind == "provider" else (
                    self._built_from(qualname, "engine") if kind == "sessionmaker" else []
                )
                if any(n is None or n not in twins for n in needs):
                    del twins[qualname]
                    changed = True
        return twins

    def _defined_once_at_top_level(self, qualname: str) -> bool:
        module, _, name = qualname.rpartition(".")
        if qualname in self.functions:
            return self.functions[qualname].top_level and not any(b.name == name for b in self.modules[module].globals)
        bindings = [b for b in self.modules[module].globals if b.name == name]
        return len(bindings) == 1 and bindings[0].top_level and f"{qualname}" not in self.functions

    def keeps_sync(self, qualname: str) -> bool:
        """Wiring that stays sync for held code (the transformers that convert wiring skip it)."""
        return qualname in self.sync_wiring

    def twin_of(self, scope: str, ref: str, migrated: bool = True) -> tuple[str, str] | None:
        """For a name read in function ``scope`` that denotes kept wiring with an async twin:
        ``(qualname, twin name)`` — when code there is migrated (or, ``migrated=False``, always)."""
        if not self.twins or (migrated and not self.migrated_user(scope)):
            return None
        qualname = self.global_of(scope, ref)
        if qualname is None or qualname not in self.twins:
            return None
        return qualname, self.twins[qualname]

    def migrated_user(self, scope: str) -> bool:
        """Whether code in function ``scope`` reads the async twins of kept wiring."""
        fn = self.functions.get(scope)
        return fn is not None and self._migrated_user(fn)

    def wiring_kind(self, qualname: str) -> str | None:
        return self._wiring_kind(qualname)

    def twin_beside(self, qualname: str) -> str:
        """The async twin of kept wiring: planned, or already defined beside it (a migrated tree,
        where migrated code reads the twin itself); "" when there is none."""
        if qualname in self.twins:
            return self.twins[qualname]
        kind = self._wiring_kind(qualname)
        if kind is None:
            return ""
        module, _, name = qualname.rpartition(".")
        twin = twin_name(name, kind if kind != "factory" else "sessionmaker")
        defined = f"{module}.{twin}"
        return twin if defined in self.functions or defined in self._globals else ""

    def twins_in(self, module: str) -> bool:
        """Whether ``module`` defines wiring that gets an async twin."""
        return any(q.rpartition(".")[0] == module for q in self.twins)

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

    def _opens_own_sync_session(self, fn: FunctionInfo) -> bool:
        """A held function taking no session, that opens its own from wiring kept sync
        (``with SessionLocal() as db`` on the sync sessionmaker): self-contained sync code."""
        if not self.sync_wiring or fn.kind != "function" or fn.class_qualname is not None:
            return False
        if any(self.name_type(fn.qualname, p.name) == SESSION for p in fn.params):
            return False
        return bool(self._wiring_used(fn) & self.sync_wiring.keys())

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

