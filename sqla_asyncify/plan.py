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

from . import sqla
from .index import Binding, CallSite, ClassInfo, FunctionInfo, ModuleIndex, Param
from .names import Callee
from .report import ReportItem


@dataclass(frozen=True, slots=True)
class Ty:
    """What an expression denotes. ``kind`` is one of the constants below; ``name`` a qualname."""

    kind: str
    name: str = ""


UNKNOWN = Ty("unknown")
SESSION = Ty("session")
SESSIONMAKER = Ty("sessionmaker")  # calling it builds a session
SESSIONMAKER_FACTORY = Ty("sessionmaker-factory")  # calling it builds a sessionmaker
SESSION_CLASS = Ty("session-class")  # calling it builds a session
ENGINE = Ty("engine")  # ``create_engine(...)`` (an ``AsyncEngine`` after the migration)
ENGINE_FACTORY = Ty("engine-factory")  # calling it builds an engine
CONNECTION = Ty("connection")  # ``engine.connect()`` / ``engine.begin()`` (an ``AsyncConnection``)
METADATA = Ty("metadata")  # ``Base.metadata``, ``MetaData()``
METADATA_CLASS = Ty("metadata-class")  # calling it builds a ``MetaData``
DECLARATIVE_BASE_FACTORY = Ty("declarative-base-factory")  # ``declarative_base``
METADATA_OWNER = Ty("metadata-owner")  # a class whose ``.metadata`` is a ``MetaData``
HTTP_CLIENT_CLASS = Ty("http-client-class")  # ``fastapi``/``starlette.testclient.TestClient``
#: A ``TestClient`` instance is ``Ty("http-client", origin)``: ``origin`` names where it is built
#: (``scope:name`` of the binding, ``scope:<return>``), so the plan can convert that one client.
HTTP_CLIENT_KIND = "http-client"
ASYNC_HTTP_CLIENT_CLASS = Ty("async-http-client-class")  # ``httpx.AsyncClient``
ASYNC_HTTP_CLIENT = Ty("async-http-client")  # its request methods are coroutines


@dataclass(frozen=True, slots=True)
class Target:
    """What a call does. ``kind``: "session-io", "session-query", "session-sync", "function",
    "session-context" (``with SessionLocal() as s``, ``with s.begin()``, ``with Maker.begin() as s``),
    "engine-io" (``engine.dispose()``, ``engine.connect()`` outside ``with``), "engine-context"
    (``with engine.begin() / engine.connect() as conn``), "connection-io" (``conn.execute(...)``),
    "connection-context" (``with conn.begin()``), "metadata-io" (``Base.metadata.create_all(engine)``,
    rewritten to ``conn.run_sync`` rather than awaited), "http-io" (a request on an
    ``httpx.AsyncClient`` or on a ``TestClient`` the plan converts to one), "http-sync" (a request on a
    ``TestClient`` that stays), or "other"."""

    kind: str
    name: str = ""

    @property
    def is_session_io(self) -> bool:
        """Database I/O: the function doing it must be async (the name predates engines)."""
        return self.kind in IO_KINDS

    @property
    def is_awaited(self) -> bool:
        """A coroutine after the migration: the call must be awaited."""
        return self.kind in AWAITED_KINDS

    @property
    def is_async_context(self) -> bool:
        """An async context manager after the migration: ``with`` becomes ``async with``."""
        return self.kind in CONTEXT_KINDS


AWAITED_KINDS = frozenset({"session-io", "engine-io", "connection-io", "http-io"})
CONTEXT_KINDS = frozenset({"session-context", "engine-context", "connection-context"})
IO_KINDS = frozenset({"session-query", "metadata-io"}) | AWAITED_KINDS | CONTEXT_KINDS


OTHER = Target("other")

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


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a function becomes async: its own session I/O, or a call of a function that becomes async."""

    kind: str  # "io" | "call"
    detail: str  # the I/O call as written (``db.commit``) or the callee's qualname
    line: int
    #: For I/O that a boundary cannot await: the fix to report, when a specific one exists.
    fix: str = ""


def _expires(argument: str | None, default: bool | None) -> bool | None:
    """``expire_on_commit=<argument>`` as written → its value; an expression we cannot read → None."""
    if argument is None:
        return default
    return {"True": True, "False": False}.get(argument)


def _agree(values: Iterable[bool | None]) -> bool | None:
    """The one answer every origin gives, else None."""
    found = set(values)
    return found.pop() if len(found) == 1 else None


def _with_origin(ty: Ty, origin: str) -> Ty:
    """A ``TestClient`` built here is known by this origin (kept when it already has one)."""
    return Ty(HTTP_CLIENT_KIND, origin) if ty.kind == HTTP_CLIENT_KIND and not ty.name else ty


@dataclass
class Plan:
    """Project-wide answers for the rewrite. Build with ``Plan.build(indexes)``."""

    modules: Mapping[str, ModuleIndex]
    #: Functions to turn into ``async def`` (not already async), with why.
    to_async: dict[str, Reason] = field(default_factory=dict)
    #: Functions that stay sync although they reach session I/O, reported.
    items: list[ReportItem] = field(default_factory=list)
    #: Qualnames held sync by the user (``--keep-sync``, config, pragma, a skipped file) → why.
    #: They stop the spread like a boundary.
    held_sync: Mapping[str, str] = field(default_factory=dict)
    #: ``[tool.asyncify] async-driver``: dialect → the async driver its URLs get (``postgresql`` → ``psycopg``).
    async_drivers: Mapping[str, str] = field(default_factory=dict)
    #: ``[tool.asyncify] expire-on-commit``: ``"false"``, converted sessionmakers (and async twins)
    #: get ``expire_on_commit=False``; ``"keep"``, they keep expiring (their sessions' reads after a
    #: commit are refreshed by the ``expire-on-commit`` transformer).
    expire_on_commit: str = "false"
    #: Functions held sync that reach session I/O, and why: their async callers use ``run_sync``.
    bridged: dict[str, Reason] = field(default_factory=dict)
    #: (function, line) pairs already reported, so each boundary is reported once.
    _reported: set[tuple[str, int]] = field(default_factory=set, repr=False)
    #: Entry points doing session I/O themselves: not wrapped, reported as boundaries.
    _entry_io: set[str] = field(default_factory=set, repr=False)
    #: Origins (``scope:name``) of ``TestClient``s converted to ``httpx.AsyncClient``: those used by a
    #: test or fixture that becomes async (see ``_convert_http_clients``).
    http_clients: set[str] = field(default_factory=set)
    #: Session wiring (module-level engines, sessionmakers, session dependencies such as ``get_db``)
    #: that code held sync still uses, → why: it keeps its sync form (see ``_keep_sync_wiring``).
    sync_wiring: dict[str, str] = field(default_factory=dict)
    #: Of ``sync_wiring``, what migrated code uses: qualname → the name of its async twin, defined
    #: beside it (``SessionLocal`` → ``AsyncSessionLocal``, ``get_db`` → ``get_async_db``).
    twins: dict[str, str] = field(default_factory=dict)
    #: Sync entry points (click/typer commands, Celery tasks…) that call code made async → why: they
    #: stay ``def`` and run those calls with ``asyncio.run(...)`` (see ``entry_framework``).
    entries: dict[str, Reason] = field(default_factory=dict)
    #: Modules that must not change at all (skipped in ``--interactive``): wiring there gets no twin.
    frozen: frozenset[str] = frozenset()

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

    @cached_property
    def functions(self) -> dict[str, FunctionInfo]:
        return {f.qualname: f for m in self.modules.values() for f in m.functions}

    @cached_property
    def _function_module(self) -> dict[str, ModuleIndex]:
        return {f.qualname: m for m in self.modules.values() for f in m.functions}

    @cached_property
    def classes(self) -> dict[str, ClassInfo]:
        return {c.qualname: c for m in self.modules.values() for c in m.classes}

    @cached_property
    def _backrefs_to(self) -> dict[str, list[tuple[str, str | None]]]:
        """Class qualname → the reverse relationships other classes declare on it with ``backref=``
        (a string target names a mapped class by its name, as SQLAlchemy's registry resolves it)."""
        by_name: dict[str, list[str]] = {}
        for qualname in self.classes:
            by_name.setdefault(qualname.rsplit(".", 1)[-1], []).append(qualname)
        found: dict[str, list[tuple[str, str | None]]] = {}
        for info in self.classes.values():
            for target, name, lazy in info.backrefs:
                for cls in [target] if target in self.classes else by_name.get(target.rsplit(".", 1)[-1], []):
                    found.setdefault(cls, []).append((name, lazy))
        return found

    @cached_property
    def _globals(self) -> dict[str, tuple[ModuleIndex, Binding]]:
        return {f"{m.module}.{b.name}": (m, b) for m in self.modules.values() for b in m.globals}

    @cached_property
    def _aliases(self) -> dict[str, tuple[str, ...]]:
        return {f"{m.module}.{name}": names for m in self.modules.values() for name, names in m.aliases}

    @cached_property
    def _imports(self) -> dict[str, dict[str, str]]:
        return {m.module: dict(m.imports) for m in self.modules.values()}

    # -- symbols -------------------------------------------------------------------------------
    #: What a name from SQLAlchemy (or a test client library) denotes, by qualified name.
    _library_symbols: ClassVar[tuple[tuple[frozenset[str], Ty], ...]] = (
        (sqla.SESSION_CLASSES, SESSION_CLASS),
        (sqla.SESSIONMAKER_FACTORIES, SESSIONMAKER_FACTORY),
        (sqla.ENGINE_FACTORIES, ENGINE_FACTORY),
        (sqla.METADATA_CLASSES, METADATA_CLASS),
        (sqla.DECLARATIVE_BASE_FACTORIES, DECLARATIVE_BASE_FACTORY),
        (sqla.METADATA_OWNERS, METADATA_OWNER),
        (sqla.TEST_CLIENT_CLASSES, HTTP_CLIENT_CLASS),
        (sqla.ASYNC_HTTP_CLIENT_CLASSES, ASYNC_HTTP_CLIENT_CLASS),
    )

    def symbol(self, qualname: str, _seen: frozenset[str] = frozenset()) -> Ty:
        """What a module-level qualname denotes, following re-exports between project modules."""
        if qualname in _seen:
            return UNKNOWN
        seen = _seen | {qualname}
        for names, ty in self._library_symbols:
            if qualname in names:
                return ty
        if qualname in self.modules:
            return Ty("module", qualname)
        if qualname in self.functions:
            return Ty("function", qualname)
        if qualname in self.classes:
            return Ty("class", qualname)
        if qualname in self._globals:
            module, binding = self._globals[qualname]
            ty = self._value_type(f"{module.module}.<module>", binding.value, binding.called, seen)
            return _with_origin(ty, f"{module.module}.<module>:{binding.name}")
        module, _, name = qualname.rpartition(".")
        if module in self.modules:  # a name imported into a project module: a re-export
            target = self._imports[module].get(name)
            if target is not None:
                return self.symbol(target, seen)
        return UNKNOWN

    def _module_name_type(self, module: str, name: str, seen: frozenset[str]) -> Ty:
        local = f"{module}.{name}"
        if local in self.functions or local in self.classes or local in self._globals:
            return self.symbol(local, seen)
        target = self._imports.get(module, {}).get(name)
        if target is not None:
            return self.symbol(target, seen)
        return self.symbol(name, seen)  # a builtin or an unknown name

    # -- types of local names ------------------------------------------------------------------
    def name_type(self, scope: str, name: str, _seen: frozenset[str] = frozenset()) -> Ty:
        """What ``name`` denotes inside function (or lambda, or ``m.<module>``) ``scope``."""
        key = f"{scope}:{name}"
        if key in _seen:
            return UNKNOWN
        seen = _seen | {key}
        fn = self.functions.get(scope)
        if fn is None:
            return UNKNOWN
        module = self._function_module[scope].module
        if fn.kind != "module":
            for i, param in enumerate(fn.params):
                if param.name == name:
                    if i == 0 and fn.class_qualname and name in ("self", "cls") and fn.kind == "function":
                        return Ty("instance" if name == "self" else "class", fn.class_qualname)
                    ty = self._param_type(param, seen)
                    if ty == UNKNOWN and fn.kind == "function" and self._takes_fixtures(fn):
                        ty = self._fixture_type(module, name, seen)
                    if ty != UNKNOWN:
                        return ty
            nested = f"{scope}.{name}"  # a function or class defined inside this one
            if nested in self.functions or nested in self.classes:
                return self.symbol(nested, seen)
            types = [
                _with_origin(self._value_type(scope, b.value, b.called, seen), f"{scope}:{name}")
                for b in fn.bindings
                if b.name == name
            ]
            known = [t for t in types if t != UNKNOWN]
            if known:
                return SESSION if SESSION in known else known[0]
            if types:
                return UNKNOWN
            if fn.parent is not None:
                return self.name_type(fn.parent, name, seen)
        return self._module_name_type(module, name, seen)

    # -- pytest fixtures: a parameter named like a fixture is what the fixture yields or returns ----
    @cached_property
    def fixtures(self) -> dict[str, list[str]]:
        """Fixture name → qualnames of ``@pytest.fixture`` functions with that name."""
        found: dict[str, list[str]] = {}
        for fn in self.functions.values():
            if fn.kind == "function" and any(d in sqla.FIXTURE_DECORATORS for d in fn.decorators):
                found.setdefault(fn.name, []).append(fn.qualname)
        return found

    def _takes_fixtures(self, fn: FunctionInfo) -> bool:
        """Tests (``test_*`` in a test module) and fixtures receive fixtures as parameters."""
        module = self._function_module[fn.qualname].module.rsplit(".", 1)[-1]
        is_test_module = module.startswith("test_") or module.endswith("_test") or module == "conftest"
        return (is_test_module and fn.name.startswith("test")) or fn.name in self.fixtures and any(
            d in sqla.FIXTURE_DECORATORS for d in fn.decorators
        )

    def _visible_fixtures(self, module: str, name: str) -> list[str]:
        """Fixtures named ``name`` as seen from ``module``: its own module's first, then the nearest
        ``conftest``'s (the deepest package enclosing ``module``)."""
        candidates = self.fixtures.get(name, [])
        package = module.rpartition(".")[0]
        return sorted(
            candidates,
            key=lambda q: (
                self._function_module[q].module != module,
                not package.startswith(self._function_module[q].module.rpartition(".")[0]),
                -len(self._function_module[q].module),
            ),
        )

    def _fixture_type(self, module: str, name: str, seen: frozenset[str]) -> Ty:
        """The fixture visible from ``module``: its own module's first, then a ``conftest``'s."""
        for qualname in self._visible_fixtures(module, name):
            ty = self._call_type(Ty("function", qualname), seen)
            if ty != UNKNOWN:
                return ty
        return UNKNOWN

    def _param_type(self, param: Param, seen: frozenset[str]) -> Ty:
        if param.depends is not None:
            ty = self._call_type(self.symbol(param.depends, seen), seen)
            if ty != UNKNOWN:
                return ty
        return self._annotation_type(param.annotation, seen)

    def _annotation_type(self, names: Iterable[str], seen: frozenset[str]) -> Ty:
        found = UNKNOWN
        for name in names:
            if name in sqla.SESSION_CLASSES:
                return SESSION
            if name in self._aliases and name not in seen:
                ty = self._annotation_type(self._aliases[name], seen | {name})
            else:
                sym = self.symbol(name, seen)
                ty = Ty("instance", sym.name) if sym.kind == "class" else (
                    self._call_type(sym, seen) if sym.kind == "function" else UNKNOWN
                )
            if ty == SESSION:
                return ty
            if found == UNKNOWN:
                found = ty
        return found

    def _value_type(self, scope: str, callee: Callee, called: bool, seen: frozenset[str]) -> Ty:
        ty = self.name_type(scope, callee.root, seen)
        if 0 in callee.calls:
            ty = self._call_type(ty, seen)
        for i, attr in enumerate(callee.path, 1):
            ty = self._attr_type(ty, attr, seen)
            if i in callee.calls:
                ty = self._call_type(ty, seen)
        return self._call_type(ty, seen) if called else ty

    def _attr_type(self, ty: Ty, attr: str, seen: frozenset[str]) -> Ty:
        if ty.kind == "module":
            return self.symbol(f"{ty.name}.{attr}", seen)
        if ty.kind in ("instance", "class"):
            method = self._find_method(ty.name, attr)
            if method is not None:
                return Ty("function", method)
            if ty.kind == "instance":
                return self._instance_attr_type(ty.name, attr, seen)
        if attr == "metadata" and (ty == METADATA_OWNER or ty.kind == "class"):
            return METADATA  # ``Base.metadata`` of a declarative base (or any model class)
        if ty == SESSION:
            return Ty("session-method", attr)
        if ty == SESSIONMAKER and attr == "begin":
            return Ty("sessionmaker-method", attr)
        if ty == ENGINE:
            return Ty("engine-method", attr)
        if ty == CONNECTION:
            return Ty("connection-method", attr)
        return UNKNOWN

    def _mro(self, cls: str) -> list[str]:
        found = self._mros.get(cls)
        if found is None:
            found = self._mros[cls] = self._compute_mro(cls)
        return found

    @cached_property
    def _mros(self) -> dict[str, list[str]]:
        return {}

    def _compute_mro(self, cls: str) -> list[str]:
        order, queue = [], deque([cls])
        while queue:
            c = queue.popleft()
            if c in order or c not in self.classes:
                continue
            order.append(c)
            queue.extend(self.classes[c].bases)
        return order

    def _find_method(self, cls: str, name: str) -> str | None:
        for c in self._mro(cls):
            if f"{c}.{name}" in self.functions:
                return f"{c}.{name}"
        return None

    @cached_property
    def _methods(self) -> dict[str, list[FunctionInfo]]:
        """Class qualname → its methods (the functions whose ``class_qualname`` it is)."""
        found: dict[str, list[FunctionInfo]] = {}
        for fn in self.functions.values():
            if fn.class_qualname is not None:
                found.setdefault(fn.class_qualname, []).append(fn)
        return found

    def _instance_attr_type(self, cls: str, attr: str, _seen: frozenset[str]) -> Ty:
        key = f"{cls}@{attr}"
        if key in _seen:  # ``self.parent = self.parent.parent``: defined by itself
            return UNKNOWN
        if not _seen and key in self._attr_types:
            return self._attr_types[key]  # a top-level answer depends on nothing but the project
        seen = _seen | {key}
        found = UNKNOWN
        for c in self._mro(cls):
            for a, names in self.classes[c].annotations:
                if a == attr:
                    ty = self._annotation_type(names, seen)
                    if ty != UNKNOWN:
                        found = ty
                        break
            if found != UNKNOWN:
                break
            for fn in self._methods.get(c, ()):
                for b in fn.attr_bindings:
                    if b.name == attr:
                        ty = self._value_type(fn.qualname, b.value, b.called, seen)
                        if ty != UNKNOWN:
                            found = ty
                            break
                if found != UNKNOWN:
                    break
            if found != UNKNOWN:
                break
        if not _seen:
            self._attr_types[key] = found
        return found

    @cached_property
    def _attr_types(self) -> dict[str, Ty]:
        return {}

    def _call_type(self, ty: Ty, seen: frozenset[str]) -> Ty:
        if ty in (SESSION_CLASS, SESSIONMAKER):
            return SESSION
        if ty == SESSIONMAKER_FACTORY:
            return SESSIONMAKER
        if ty == Ty("sessionmaker-method", "begin"):
            return SESSION  # ``with SessionLocal.begin() as s``
        if ty == ENGINE_FACTORY:
            return ENGINE
        if ty.kind == "engine-method" and ty.name in sqla.ENGINE_CONTEXT_METHODS:
            return CONNECTION
        if ty == METADATA_CLASS:
            return METADATA
        if ty == HTTP_CLIENT_CLASS:
            return Ty(HTTP_CLIENT_KIND)  # its origin is set where it is bound or returned
        if ty == ASYNC_HTTP_CLIENT_CLASS:
            return ASYNC_HTTP_CLIENT
        if ty == DECLARATIVE_BASE_FACTORY:
            return METADATA_OWNER
        if ty.kind == "class":
            return Ty("instance", ty.name)
        if ty.kind == "function" and ty.name not in seen:
            fn = self.functions[ty.name]
            inner = seen | {ty.name}
            if fn.returns_annotation:
                annotated = self._annotation_type(fn.returns_annotation, inner)
                if annotated != UNKNOWN:
                    return annotated
            for ret in fn.returns:
                rt = self._value_type(fn.qualname, ret.value, ret.called, inner)
                if rt != UNKNOWN:
                    return _with_origin(rt, f"{fn.qualname}:<return>")
        return UNKNOWN

    # -- calls ---------------------------------------------------------------------------------
    def classify(self, scope: str, callee: Callee, in_with: bool = False) -> Target:
        """What calling ``callee`` inside ``scope`` does."""
        if callee.path:
            receiver = self._value_type(scope, callee.prefix(len(callee.path) - 1), False, frozenset())
            method = callee.path[-1]
            if receiver == SESSION:
                if in_with and method in ("begin", "begin_nested"):
                    return Target("session-context", method)
                if method in sqla.AWAITED_SESSION_METHODS:
                    return Target("session-io", method)
                if method == sqla.LEGACY_QUERY_METHOD:
                    return Target("session-query", method)
                return Target("session-sync", method)
            if receiver == SESSIONMAKER and in_with and method == "begin":
                return Target("session-context", str(callee))
            if receiver == ENGINE:
                if in_with and method in sqla.ENGINE_CONTEXT_METHODS:
                    return Target("engine-context", method)
                if method in sqla.AWAITED_ENGINE_METHODS:
                    return Target("engine-io", method)
                return OTHER
            if receiver == CONNECTION:
                if in_with and method in ("begin", "begin_nested"):
                    return Target("connection-context", method)
                if method in sqla.AWAITED_CONNECTION_METHODS:
                    return Target("connection-io", method)
                return OTHER
            if receiver == METADATA and method in sqla.METADATA_DDL_METHODS:
                return Target("metadata-io", method)
            if receiver == ASYNC_HTTP_CLIENT or receiver.kind == HTTP_CLIENT_KIND:
                if method not in sqla.HTTP_REQUEST_METHODS:
                    return OTHER
                converted = receiver == ASYNC_HTTP_CLIENT or receiver.name in self.http_clients
                return Target("http-io" if converted else "http-sync", method)
        ty = self._value_type(scope, callee, False, frozenset())
        if in_with and self._call_type(ty, frozenset()) == SESSION:
            return Target("session-context", str(callee))
        if ty.kind == "function":
            return Target("function", ty.name)
        return OTHER

    def qualify(self, module: str, callee: Callee) -> str:
        """The absolute dotted name of ``callee`` as written at module level of ``module``."""
        base = self._imports.get(module, {}).get(callee.root, callee.root)
        return ".".join((base, *callee.path))

    def type_of(self, scope: str, callee: Callee) -> Ty:
        """What the expression ``callee`` (not called) denotes inside ``scope``."""
        return self._value_type(scope, callee, False, frozenset())

    def is_session(self, scope: str, callee: Callee) -> bool:
        """Whether the expression ``callee`` (not called) denotes a session inside ``scope``."""
        return self._value_type(scope, callee, False, frozenset()) == SESSION

    def session_names(self, scope: str) -> list[str]:
        """Parameters and locals of ``scope`` that denote a session, in definition order."""
        fn = self.functions.get(scope)
        if fn is None:
            return []
        names = dict.fromkeys([*(p.name for p in fn.params), *(b.name for b in fn.bindings)])
        return [n for n in names if self.is_session(scope, Callee(n))]

    # -- mapped classes ------------------------------------------------------------------------------
    def relationships(self, class_qualname: str, _seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """The relationship attributes of a project class (its own and its project bases') that
        ``await session.refresh(obj)`` loads after the migration (``sqla.REFRESH_LOADS_LAZY``):
        the ones a new object's read after ``commit()``/``flush()`` would lazy-load."""
        info = self.classes.get(class_qualname)
        if info is None or class_qualname in _seen:
            return frozenset()
        own = {attr for attr, lazy in info.relationships if lazy in sqla.REFRESH_LOADS_LAZY}
        own |= {name for name, lazy in self._backrefs_to.get(class_qualname, ()) if lazy in sqla.REFRESH_LOADS_LAZY}
        seen = _seen | {class_qualname}
        for base in info.bases:
            own |= self.relationships(base, seen)
        return frozenset(own)

    # -- expiry on commit: where a session comes from --------------------------------------------
    def session_expires(self, scope: str, callee: Callee, _seen: frozenset[str] = frozenset()) -> bool | None:
        """Whether the session ``callee`` denotes in ``scope`` still expires its objects on commit
        after the migration: True when it is built by ``Session(...)`` or by a session factory given
        ``expire_on_commit=True`` (theirs, kept); False for ``expire_on_commit=False`` and for a
        ``sessionmaker(...)`` without the keyword (the migration gives it ``False``; True when the
        ``expire-on-commit`` policy is ``"keep"``); None when where
        it comes from cannot be traced (an attribute, an annotated parameter, a scoped session)."""
        if callee.path or callee.calls:
            return None
        fn = self.functions.get(scope)
        key = f"{scope}:{callee.root}"
        if fn is None or key in _seen:
            return None
        seen = _seen | {key}
        for param in fn.params:
            if param.name == callee.root:
                providers = [param.depends] if param.depends else []
                for name in param.annotation:  # ``Annotated[Session, Depends(get_db)]``, or an alias of it
                    providers += [n for n in (name, *self._aliases.get(name, ())) if n in self.functions]
                return _agree(self._provider_expires(q, seen) for q in providers)
        bindings = [b for b in fn.bindings if b.name == callee.root]
        if not bindings:
            return None
        return _agree(self._binding_expires(scope, b, seen) for b in bindings)

    @property
    def keeps_expiry(self) -> bool:
        """Whether converted sessionmakers keep expiring on commit (``expire-on-commit = "keep"``)."""
        return self.expire_on_commit == "keep"

    def _provider_expires(self, qualname: str, seen: frozenset[str]) -> bool | None:
        """For a function returning or yielding a session (``get_db``): whether that session expires."""
        fn = self.functions.get(qualname)
        if fn is None or not fn.returns:
            return None
        return _agree(self._binding_expires(qualname, b, seen) for b in fn.returns)

    def _binding_expires(self, scope: str, binding: Binding, seen: frozenset[str]) -> bool | None:
        value = binding.value
        if not binding.called:
            return self.session_expires(scope, value, seen)  # another name for a session
        if value.calls:
            return None
        ty = self.type_of(scope, value)
        if ty == SESSION_CLASS:
            return _expires(binding.expire_on_commit, default=True)
        if ty.kind == "function":
            return self._provider_expires(ty.name, seen)
        if ty == SESSIONMAKER or ty == Ty("sessionmaker-method", "begin"):
            maker = value if ty == SESSIONMAKER else value.prefix(len(value.path) - 1)
            found = self._factory_binding(scope, maker)
            if found is None:
                return None
            module, factory = found
            if factory.value.calls or not factory.called:
                return None
            qualname = self.qualify(module, factory.value)
            # ``sessionmaker(...)`` without the keyword is given ``expire_on_commit=False`` by the
            # migration, unless the policy keeps expiry.
            default = self.keeps_expiry if qualname in sqla.SYNC_SESSIONMAKERS else True if qualname in sqla.ASYNC_SESSIONMAKERS else None
            return _expires(factory.expire_on_commit, default)
        return None

    def _factory_binding(self, scope: str, callee: Callee) -> tuple[str, Binding] | None:
        """The binding that builds the session factory ``callee`` names: ``(module, binding)``."""
        fn = self.functions.get(scope)
        if fn is not None and not callee.path:
            local = [b for b in fn.bindings if b.name == callee.root]
            if local:
                return (self._function_module[scope].module, local[0]) if len(local) == 1 else None
        module = self._function_module[scope].module if fn is not None else scope
        root = self._imports.get(module, {}).get(callee.root, f"{module}.{callee.root}")
        return self._global_binding(".".join((root, *callee.path)), frozenset())

    def _global_binding(self, qualname: str, seen: frozenset[str]) -> tuple[str, Binding] | None:
        """A module-level binding by qualname, following re-exports between project modules."""
        if qualname in seen:
            return None
        if qualname in self._globals:
            module, binding = self._globals[qualname]
            return module.module, binding
        module, _, name = qualname.rpartition(".")
        target = self._imports.get(module, {}).get(name)
        return None if target is None else self._global_binding(target, seen | {qualname})

    def is_held_class(self, class_qualname: str) -> bool:
        """A project class held sync (its ``__init__`` is): its instances hold a sync ``Session``."""
        return f"{class_qualname}.__init__" in self.held_sync

    # -- the async fixpoint --------------------------------------------------------------------
    def entry_framework(self, fn: FunctionInfo) -> str | None:
        """The framework that calls ``fn`` synchronously as a command or task, or None:
        ``@click.command()``, ``@cli.command()`` on a click group, ``@app.command()`` on a
        ``typer.Typer()``, ``@celery.task`` on a ``Celery()``, ``@shared_task``, ``@dramatiq.actor``."""
        if fn.kind != "function" or fn.is_async:
            return None
        for deco in fn.decorators:
            if deco in sqla.SYNC_ENTRY_DECORATORS:
                return sqla.SYNC_ENTRY_DECORATORS[deco]
            owner, _, method = deco.rpartition(".")
            owner_def = self._definition(owner)
            if owner_def in self._globals:
                module, binding = self._globals[owner_def]
                registry = sqla.SYNC_ENTRY_REGISTRIES.get(self.qualify(module.module, binding.value)) if binding.called else None
                if registry is not None and method in registry[1]:
                    return registry[0]
            elif owner_def in self.functions and method in ("command", "group"):
                group = self.functions[owner_def]  # ``@click.group() def cli()`` → ``@cli.command()``
                if any(sqla.SYNC_ENTRY_DECORATORS.get(d) == "click" for d in group.decorators) or any(
                    d.rpartition(".")[2] == "group" for d in group.decorators
                ):
                    return "click"
        return None

    def boundary_reason(self, fn: FunctionInfo) -> str | None:
        """Why ``fn`` can never be a coroutine function, or None."""
        if fn.kind == "lambda":
            return "a lambda cannot be async"
        if fn.kind == "module":
            return "module-level code cannot await"
        if fn.qualname in self.held_sync:
            return self.held_sync[fn.qualname]
        if fn.name.startswith("__") and fn.name.endswith("__") and fn.name not in sqla.ASYNC_DUNDERS:
            return f"`{fn.name}` is a sync protocol method"
        framework = self.entry_framework(fn)
        if framework is not None:
            return f"{framework} calls it synchronously"
        for deco in fn.decorators:
            if deco in sqla.SYNC_ONLY_DECORATORS or deco.rsplit(".", 1)[-1] in (
                "property", "cached_property", "setter", "getter", "deleter", "contextmanager",
            ):
                return f"decorated with `@{deco.rsplit('.', 1)[-1]}`"
        return None

    def _hold_callees(self) -> None:
        """Held code keeps calling what it calls, sync: a project function called from a held one
        is held too (async callers reach it through ``run_sync`` like the held code itself)."""
        held = dict(self.held_sync)
        queue = deque(q for q in held if q in self.functions and self.functions[q].kind == "function")
        while queue:
            caller = queue.popleft()
            for site in self.functions[caller].calls:
                target = self.classify(caller, site.callee, site.in_with)
                if target.kind != "function" or target.name in held:
                    continue
                callee = self.functions[target.name]
                if callee.is_async or callee.kind != "function" or callee.name.startswith("__"):
                    continue
                held[target.name] = f"held sync: called by held `{caller}`"
                queue.append(target.name)
        self.held_sync = held

    # -- coexisting sync and async session wiring ---------------------------------------------
    def global_of(self, scope: str, ref: str) -> str | None:
        """The project-level qualname a name (or attribute chain) read in ``scope`` refers to — a
        module global, a module-level function or class — following imports and re-exports; None for
        a parameter, a local, or anything outside the project."""
        root, *path = ref.split(".")
        fn = self.functions.get(scope)
        while fn is not None and fn.kind != "module":
            if (
                any(p.name == root for p in fn.params)
                or any(b.name == root for b in fn.bindings)
                or f"{fn.qualname}.{root}" in self.functions
                or f"{fn.qualname}.{root}" in self.classes
            ):
                return None
            fn = self.functions.get(fn.parent) if fn.parent else None
        if scope not in self._function_module:
            return None
        module = self._function_module[scope].module
        local = f"{module}.{root}"
        if local in self.functions or local in self._globals or local in self.classes:
            qualname: str | None = local
        else:
            qualname = self._imports[module].get(root)
        qualname = self._definition(qualname)
        for attr in path:
            if qualname not in self.modules:
                break
            qualname = self._definition(f"{qualname}.{attr}")
        return qualname if qualname in self.functions or qualname in self._globals else None

    def _definition(self, qualname: str | None, _depth: int = 0) -> str | None:
        """Where a re-exported name is defined (``app.deps.get_db`` imported from ``app.db``)."""
        if qualname is None or qualname in self.functions or qualname in self._globals or _depth > 20:
            return qualname
        module, _, name = qualname.rpartition(".")
        if module in self.modules and name in self._imports[module]:
            return self._definition(self._imports[module][name], _depth + 1)
        return qualname

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

    def _is_held_code(self, fn: FunctionInfo) -> bool:
        """``fn`` or a function enclosing it is held sync."""
        current: FunctionInfo | None = fn
        while current is not None:
            if current.qualname in self.held_sync:
                return True
            current = self.functions.get(current.parent) if current.parent else None
        return False

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

    @property
    def global_names(self) -> frozenset[str]:
        """Qualnames of every module-level binding of the project."""
        return frozenset(self._globals)

    def global_line(self, qualname: str) -> int:
        """The line of a module-level binding, as indexed (the input's)."""
        return self._globals[qualname][1].line

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

    def is_module_held(self, module: str) -> bool:
        """A module held sync whole (its module-level code is held)."""
        return self.held_sync.get(f"{module}.<module>") == "module held sync"

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
                elif target.kind == "function" and self.functions[target.name].is_generator:
                    # Iterating a generator that becomes async needs ``async for``: the loop's
                    # function becomes async with it. A plain call only builds the generator.
                    if site.iterated and not self.functions[target.name].is_async:
                        callers.setdefault(target.name, []).append((fn.qualname, site.line))
                elif target.kind == "function":
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

    def _fixture_closure(self, fn: FunctionInfo) -> list[str]:
        """The fixtures a test or fixture requests, directly or through other fixtures."""
        found: list[str] = []
        todo = [fn]
        while todo:
            current = todo.pop()
            module = self._function_module[current.qualname].module
            for param in current.params:
                visible = [
                    q
                    for q in self._visible_fixtures(module, param.name)
                    if q != current.qualname and self._fixture_visible_from(q, module)
                ]
                if visible and visible[0] not in found:
                    found.append(visible[0])
                    todo.append(self.functions[visible[0]])
        return found

    def _fixture_visible_from(self, fixture: str, module: str) -> bool:
        """Defined in ``module`` itself, or in a ``conftest`` of its package or a parent package."""
        where = self._function_module[fixture].module
        if where == module:
            return True
        package, _, name = where.rpartition(".")
        return name == "conftest" and (not package or module == package or module.startswith(f"{package}."))

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

    def methods_of(self, class_qualname: str) -> list[str]:
        """Names of the methods defined directly in a class."""
        prefix = f"{class_qualname}."
        return [
            q[len(prefix) :]
            for q, f in self.functions.items()
            if f.class_qualname == class_qualname and q.startswith(prefix) and "." not in q[len(prefix) :]
        ]

    def path_of(self, qualname: str) -> str:
        return self._function_module[qualname].path
