"""Session wiring kept sync for held code, and the async twins migrated code gets beside it.

Wiring is a module-level engine, ``sessionmaker(...)`` (or other session factory) or session
dependency (``get_db``). What held code reads stays sync (``sync_wiring``), with what it is built
from and what is bound to it; what migrated code reads of that gets an async twin (``twins``:
``SessionLocal`` → ``AsyncSessionLocal``) when one can be written safely, else the migrated
reader is held too. ``_keep_sync_wiring`` runs to a fixpoint with the held set before the async
fixpoint starts. Read by ``coexist-sessions`` and the wiring conversions (``keeps_sync``,
``twin_of``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import sqla
from ..index import FunctionInfo
from ..report import ReportItem
from .boundaries import Boundaries
from .types import SESSION, SESSIONMAKER, Ty


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


class Wiring(Boundaries):
    """Which wiring stays sync, which gets a twin, and the questions transformers ask about both."""

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

    def _opens_own_sync_session(self, fn: FunctionInfo) -> bool:
        """A held function taking no session, that opens its own from wiring kept sync
        (``with SessionLocal() as db`` on the sync sessionmaker) or from an engine it builds
        itself (``engine = create_engine(url)``, which stays sync in held code): self-contained
        sync code."""
        if fn.kind != "function" or fn.class_qualname is not None:
            return False
        if any(self.name_type(fn.qualname, p.name) == SESSION for p in fn.params):
            return False
        module = self._function_module[fn.qualname].module
        if any(b.called and self.qualify(module, b.value) in sqla.SYNC_ENGINE_FACTORIES for b in fn.bindings):
            return True
        return bool(self.sync_wiring) and bool(self._wiring_used(fn) & self.sync_wiring.keys())
