"""The plan's state, and the project it is computed over: lookups by qualified name.

``ProjectIndex`` is the bottom layer of ``Plan`` (the layers are listed in ``plan/__init__.py``):
the dataclass fields every layer reads and the solving layers fill (``to_async``, ``held_sync``,
``twins``…); the project's functions, classes and module-level bindings by qualname; class MROs;
and where a name leads through imports and re-exports. It knows nothing of sessions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..index import Binding, ClassInfo, FunctionInfo, ModuleIndex, Param
from ..names import Callee
from ..report import ReportItem
from .types import Reason, ReturnedQuery

if TYPE_CHECKING:
    from .async_contexts import AsyncContext
    from .async_factories import Factory


@dataclass
class ProjectIndex:
    """The ``Plan``'s fields and the project's definitions by qualname."""

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
    #: ``__init__`` methods (sync protocol methods) that reach session I/O on a session handed to
    #: them: async code builds their classes inside ``await session.run_sync(...)``.
    io_inits: set[str] = field(default_factory=set)
    #: Of those, the ones that also call a function made async: never built through ``run_sync``.
    _inits_calling_async: set[str] = field(default_factory=set, repr=False)
    #: ``__init__`` qualname → the calls in it of functions made async (reported by ``async_inits``).
    async_init_calls: dict[str, list[Reason]] = field(default_factory=dict)
    #: Classes whose construction becomes ``await Cls.create(...)`` (``async_factories``): root → factory.
    factories: dict[str, Factory] = field(default_factory=dict)
    #: The ``__init__`` methods of those families (each becomes ``async def _async_init``) → their root.
    factory_inits: dict[str, str] = field(default_factory=dict)
    #: Context managers made async (``async_contexts``): root → family.
    contexts: dict[str, AsyncContext] = field(default_factory=dict)
    #: Their ``__enter__``/``__exit__`` methods (each becomes ``__aenter__``/``__aexit__``) → their root.
    context_methods: dict[str, str] = field(default_factory=dict)
    #: (function, line) pairs already reported, so each boundary is reported once.
    _reported: set[tuple[str, int]] = field(default_factory=set, repr=False)
    #: Entry points doing session I/O themselves: not wrapped, reported as boundaries.
    _entry_io: set[str] = field(default_factory=set, repr=False)
    #: Origins (``scope:name``) of ``TestClient``s converted to ``httpx.AsyncClient``: those used by a
    #: test or fixture that becomes async (see ``_convert_http_clients``).
    http_clients: set[str] = field(default_factory=set)
    #: Origins of ``TestClient``s an async test uses that stay sync → why (``_kept_by_helpers``).
    kept_http_clients: dict[str, str] = field(default_factory=dict)
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
    #: Functions whose parameters are only called and always handed coroutine factories
    #: (``lambda: f(x)`` with ``f`` made async) → {parameter: such an ``f``}: they await those calls
    #: (see ``coroutine_factories.py``).
    coroutine_params: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Functions handing back a legacy query that ``query-to-select`` converts across functions:
    #: each returns a ``select()`` and every caller executes it (settled by ``returned_queries.py``
    #: from the transformer's own reading of the sources; empty until the pipeline settles it).
    returned_queries: Mapping[str, ReturnedQuery] = field(default_factory=dict)
    #: Candidates for ``returned_queries`` left as they are → why (a use that cannot follow).
    returned_query_holds: Mapping[str, str] = field(default_factory=dict)

    # -- the project by qualname -------------------------------------------------------------------
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
    def _globals(self) -> dict[str, tuple[ModuleIndex, Binding]]:
        """Module-level name → its binding (the last one; a placeholder ``= None`` never replaces
        a real one, as for ``SessionLocal = None`` set by an init function's ``global``)."""
        found: dict[str, tuple[ModuleIndex, Binding]] = {}
        for m in self.modules.values():
            for b in m.globals:
                key = f"{m.module}.{b.name}"
                if key not in found or b.value != Callee("None"):
                    found[key] = (m, b)
        return found

    @cached_property
    def _aliases(self) -> dict[str, tuple[str, ...]]:
        return {f"{m.module}.{name}": names for m in self.modules.values() for name, names in m.aliases}

    @cached_property
    def _imports(self) -> dict[str, dict[str, str]]:
        """Per module: local name → absolute qualname, with what ``from .m import *`` binds (the
        public names ``m`` defines or imports; an explicit import or definition wins)."""
        imports = {m.module: dict(m.imports) for m in self.modules.values()}
        starring = [m for m in self.modules.values() if m.star_imports]
        for _ in range(len(starring)):  # a star of a star settles in as many passes
            changed = False
            for index in starring:
                own = imports[index.module]
                defined = {g.name for g in index.globals} | {
                    fn.name for fn in index.functions if fn.kind == "function" and fn.top_level
                }
                for source in index.star_imports:
                    if source not in self.modules:
                        continue
                    for name, qualname in self._public_names(source, imports[source]).items():
                        if name not in own and name not in defined:
                            own[name] = qualname
                            changed = True
            if not changed:
                break
        return imports

    def _public_names(self, module: str, imports: dict[str, str]) -> dict[str, str]:
        """What ``from module import *`` binds: its public definitions and imports."""
        index = self.modules[module]
        names = dict(imports)
        names.update({g.name: f"{module}.{g.name}" for g in index.globals})
        names.update({fn.name: fn.qualname for fn in index.functions if fn.kind == "function" and fn.top_level})
        top = module.count(".") + 1
        names.update({c.qualname.rpartition(".")[2]: c.qualname for c in index.classes if c.qualname.count(".") == top})
        return {name: qualname for name, qualname in names.items() if not name.startswith("_")}

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
            queue.extend(self.class_bases(c))
        return order

    def class_bases(self, cls: str) -> tuple[str, ...]:
        """The bases of project class ``cls`` where they are defined: a base imported from a module
        that re-exports it (``from .base import *`` in a package's ``__init__``) is that class."""
        return tuple(self._definition(base) or base for base in self.classes[cls].bases)

    def _find_method(self, cls: str, name: str) -> str | None:
        for c in self._mro(cls):
            if f"{c}.{name}" in self.functions:
                return f"{c}.{name}"
        return None

    def overrides(self, qualname: str) -> list[str]:
        """The other methods of ``qualname``'s override family: the same name in its class's
        project bases and in the project classes deriving from it (dunders have none: their
        callers are Python itself)."""
        fn = self.functions.get(qualname)
        if fn is None or fn.kind != "function" or fn.class_qualname is None:
            return []
        if fn.name.startswith("__") and fn.name.endswith("__"):
            return []
        related = [*self._mro(fn.class_qualname), *self._subclasses.get(fn.class_qualname, ())]
        return [f"{c}.{fn.name}" for c in dict.fromkeys(related) if f"{c}.{fn.name}" in self.functions and f"{c}.{fn.name}" != qualname]

    @cached_property
    def _subclasses(self) -> dict[str, list[str]]:
        """Class → the project classes that have it among their bases, at any depth."""
        found: dict[str, list[str]] = {}
        for cls in self.classes:
            for base in self._mro(cls)[1:]:
                found.setdefault(base, []).append(cls)
        return found

    @cached_property
    def _methods(self) -> dict[str, list[FunctionInfo]]:
        """Class qualname → its methods (the functions whose ``class_qualname`` it is)."""
        found: dict[str, list[FunctionInfo]] = {}
        for fn in self.functions.values():
            if fn.class_qualname is not None:
                found.setdefault(fn.class_qualname, []).append(fn)
        return found

    def qualify(self, module: str, callee: Callee) -> str:
        """The absolute dotted name of ``callee`` as written at module level of ``module``."""
        base = self._imports.get(module, {}).get(callee.root, callee.root)
        return ".".join((base, *callee.path))

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

    # -- where a name leads: imports and re-exports ---------------------------------------------
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

    @property
    def global_names(self) -> frozenset[str]:
        """Qualnames of every module-level binding of the project."""
        return frozenset(self._globals)

    def global_line(self, qualname: str) -> int:
        """The line of a module-level binding, as indexed (the input's)."""
        return self._globals[qualname][1].line

    @cached_property
    def _methods_by_class(self) -> dict[str, list[FunctionInfo]]:
        """Class qualname → the functions defined directly in its body (``class_qualname`` is set
        for those only), in index order."""
        found: dict[str, list[FunctionInfo]] = {}
        for q, f in self.functions.items():
            if f.class_qualname is not None and q.rpartition(".")[0] == f.class_qualname:
                found.setdefault(f.class_qualname, []).append(f)
        return found

    def class_methods(self, class_qualname: str) -> list[FunctionInfo]:
        """The methods defined directly in a class."""
        return self._methods_by_class.get(class_qualname, [])

    def methods_of(self, class_qualname: str) -> list[str]:
        """Names of the methods defined directly in a class."""
        return [f.name for f in self.class_methods(class_qualname)]

    def path_of(self, qualname: str) -> str:
        return self._function_module[qualname].path

    def returned_function(self, qualname: str, depth: int) -> str | None:
        """The nested function ``qualname`` returns, followed through a factory (a decorator
        returning a decorator) up to ``depth`` levels; None when it returns none."""
        fn = self.functions.get(qualname)
        if fn is None or fn.kind != "function" or depth == 0:
            return None
        nested = [f"{qualname}.{b.value.root}" for b in fn.returns if not b.called and not b.value.path]
        nested = [q for q in nested if q in self.functions and self.functions[q].kind == "function"]
        if len(set(nested)) != 1:
            return None
        return self.returned_function(nested[0], depth - 1) or nested[0]

    @cached_property
    def decorated(self) -> dict[str, tuple[str, str]]:
        """Project function → (the ``wrapper`` a project decorator puts in its place, the
        decorator's parameter the wrapper calls it through): ``@with_session def f`` with
        ``with_session(fn)`` returning ``wrapper``, which calls ``fn(...)``. The first such
        decorator of a function (the one applied last, which its callers call)."""
        found: dict[str, tuple[str, str]] = {}
        for fn in self.functions.values():
            if fn.kind != "function" or fn.is_async or not fn.decorators:
                continue
            for deco in fn.decorators:
                wrapper = self.returned_function(deco, depth=2)
                inner = self.functions.get(wrapper) if wrapper is not None else None
                outer = self.functions.get(inner.parent) if inner is not None and inner.parent else None
                if inner is None or outer is None or not outer.params or wrapper == fn.qualname:
                    continue
                param = outer.params[0].name
                if _only_calls(inner, param):
                    found[fn.qualname] = (inner.qualname, param)
                break
        return found

    @cached_property
    def replaced_by(self) -> dict[str, tuple[str, ...]]:
        """A decorator's wrapper → the project functions it replaces (``decorated`` inverted)."""
        found: dict[str, tuple[str, ...]] = {}
        for qualname, (wrapper, _) in sorted(self.decorated.items()):
            found[wrapper] = (*found.get(wrapper, ()), qualname)
        return found


#: ``@functools.wraps(func)`` on a wrapper: reads ``func``'s attributes, hands it nowhere.
WRAPS = frozenset({"functools.wraps", "wraps"})


def _only_calls(fn: FunctionInfo, name: str) -> bool:
    """``fn`` calls ``name`` and does nothing else with it: never hands it on (but to
    ``functools.wraps``), binds, returns or stores it, or calls a method of it."""
    if not any(site.callee.root == name and not site.callee.path for site in fn.calls):
        return False
    return not (
        any(arg.root == name for site in fn.calls if str(site.callee) not in WRAPS for _, arg in site.args)
        or any(site.callee.root == name and site.callee.path for site in fn.calls)
        or any(b.value.root == name and not b.called for b in (*fn.bindings, *fn.returns))
        or any(b.name == name for b in fn.bindings)
        or any(ref.split(".", 1)[0] == name for ref, _ in fn.stored)
    )


def bind_arguments(params: Sequence[Param], args: Sequence[tuple[str, Callee]]) -> Iterator[tuple[Param, Callee]]:
    """Each argument of a call (keyed by position, ``"0"``, or by name) with the parameter of
    ``params`` it binds; arguments binding none (past the last position, an unknown name) left out."""
    for key, arg in args:
        if key.isdigit():
            param = params[int(key)] if int(key) < len(params) else None
        else:
            param = next((p for p in params if p.name == key), None)
        if param is not None:
            yield param, arg
