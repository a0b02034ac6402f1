"""pytest fixtures: which ``@pytest.fixture`` a test's or fixture's parameter names, as pytest finds it.

A parameter named like a fixture is what that fixture returns or yields; inference asks which one
(its own module's first, then the nearest ``conftest``'s), and HTTP-client conversion asks which
fixtures a test requests, directly or through other fixtures. Nothing here types anything.

Functions stored in a fixture's ``params=`` (``params=[factory]``, or a module-level list of
``(factory, dsn)`` pairs) are called through ``request.param`` in that fixture: ``param_functions``
follows them there, when every place that reads the collection is such a fixture and each only
calls the element (or hands it to project code that does not call it). Their callers are then
known: they convert together (``stored_families``), awaited where the fixture calls them.
"""

from __future__ import annotations

from functools import cached_property

from ..names import Callee

from .. import sqla
from ..index import PARAMETRIZE_PREFIX, FunctionInfo
from .project import ProjectIndex


class Fixtures(ProjectIndex):
    """Fixtures by name, and which of them a test or fixture sees."""

    @cached_property
    def fixtures(self) -> dict[str, list[str]]:
        """Fixture name → qualnames of ``@pytest.fixture`` functions with that name."""
        found: dict[str, list[str]] = {}
        for fn in self.functions.values():
            if fn.kind == "function" and any(d in sqla.FIXTURE_DECORATORS for d in fn.decorators):
                found.setdefault(fn.fixture_name or fn.name, []).append(fn.qualname)
        return found

    def _takes_fixtures(self, fn: FunctionInfo) -> bool:
        """Tests (``test_*`` in a test module) and fixtures receive fixtures as parameters."""
        module = self._function_module[fn.qualname].module.rsplit(".", 1)[-1]
        is_test_module = module.startswith("test_") or module.endswith("_test") or module == "conftest"
        return (is_test_module and fn.name.startswith("test")) or any(d in sqla.FIXTURE_DECORATORS for d in fn.decorators)

    def _visible_fixtures(self, module: str, name: str) -> list[str]:
        """Fixtures named ``name`` as seen from ``module``: its own module's first, then the nearest
        ``conftest``'s (the deepest package enclosing ``module``)."""
        candidates = self.fixtures.get(name, [])
        package = module.rpartition(".")[0]
        return sorted(
            candidates,
            key=lambda q: (
                not self._fixture_in_module(q, module),
                self._function_module[q].module in self.pytest_plugins,  # conftests override plugins
                not package.startswith(self._function_module[q].module.rpartition(".")[0]),
                -len(self._function_module[q].module),
            ),
        )

    def fixture_for(self, fn: FunctionInfo, name: str) -> str | None:
        """The fixture pytest hands parameter ``name`` of test or fixture ``fn``, if one by that
        name is visible from its module; None for other functions and other parameters."""
        if not self._takes_fixtures(fn):
            return None
        module = self._function_module[fn.qualname].module
        visible = [
            q for q in self._visible_fixtures(module, name) if q != fn.qualname and self._fixture_visible_from(q, module)
        ]
        return visible[0] if visible else None

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

    @cached_property
    def pytest_plugins(self) -> frozenset[str]:
        """Modules some test module or ``conftest`` names in ``pytest_plugins``: pytest registers
        them as plugins, and their fixtures are visible to every test."""
        return frozenset(p for index in self.modules.values() for p in index.pytest_plugins if p in self.modules)

    def _fixture_in_module(self, fixture: str, module: str) -> bool:
        """Defined in ``module``, or imported into it (``from .test_main import client_fixture``:
        pytest collects the fixtures a test module's namespace holds, under their fixture names)."""
        return self._function_module[fixture].module == module or fixture in self._imports.get(module, {}).values()

    def _fixture_visible_from(self, fixture: str, module: str) -> bool:
        """Defined in (or imported into) ``module``, in a ``conftest`` of its package or a parent
        package, or in a module loaded through ``pytest_plugins``."""
        where = self._function_module[fixture].module
        if self._fixture_in_module(fixture, module) or where in self.pytest_plugins:
            return True
        package, _, name = where.rpartition(".")
        return name == "conftest" and (not package or module == package or module.startswith(f"{package}."))

    # -- functions stored in ``params=`` ----------------------------------------------------------
    @cached_property
    def _collections(self) -> dict[str, list[tuple[str, str, int]]]:
        """Collection key → its entries (where stored, element as written, position): a fixture's
        own ``params=[...]`` is ``fixture@params``, a list bound or extended at module level is the
        list's qualname; any other literal is a key no fixture reads."""
        found: dict[str, list[tuple[str, str, int]]] = {}
        for fn in self.functions.values():
            for collection, element, position in fn.collected:
                if collection == "@params" or collection.startswith(PARAMETRIZE_PREFIX):
                    key = f"{fn.qualname}{collection}"
                elif not collection:
                    key = f"{fn.qualname}@literal"
                elif fn.kind == "module":
                    key = f"{self._function_module[fn.qualname].module}.{collection}"
                else:
                    key = f"{fn.qualname}.{collection}"
                found.setdefault(key, []).append((fn.qualname, element, position))
        return found

    def _collection_named(self, module: str, name: str, depth: int = 0) -> str | None:
        """The module-level collection ``name`` denotes in ``module`` (through imports, ``*``)."""
        if f"{module}.{name}" in self._collections or depth > 10:
            return f"{module}.{name}" if depth <= 10 else None
        target = self._imports.get(module, {}).get(name)
        if target is not None:
            source, _, attr = target.rpartition(".")
            return self._collection_named(source, attr, depth + 1) if source in self.modules else None
        for source in self.modules[module].star_imports if module in self.modules else ():
            found = self._collection_named(source, name, depth + 1)
            if found is not None:
                return found
        return None

    def _params_collection(self, fixture: FunctionInfo) -> str | None:
        if fixture.fixture_params == "@params":
            return f"{fixture.qualname}@params"
        if fixture.fixture_params and "." not in fixture.fixture_params:
            return self._collection_named(self._function_module[fixture.qualname].module, fixture.fixture_params)
        return None

    def _param_uses(self, fixture: FunctionInfo) -> set[int] | None:
        """Positions of ``request.param`` whose element ``fixture`` calls (-1: the element itself,
        ``k``: item ``k`` of a tuple unpacked from it); None when a called element also goes
        anywhere else (returned, yielded, handed to code that may call it, called as a method)."""
        if not any(p.name == "request" for p in fixture.params):
            return None
        param = Callee("request", ("param",))
        # ``impl = request.param`` names it; ``for impl in request.param`` names each of its elements
        names = {
            b.name: (-1 if b.element is None else b.element)
            for b in fixture.bindings
            if b.value == param and not b.called and not b.iterated
        }
        if any(b.name in names and (b.value != param or b.called or b.iterated) for b in fixture.bindings):
            return None  # rebound to something else too
        def position(value: Callee) -> int | None:
            if value == param:
                return -1
            return names[value.root] if value.root in names and not value.path and not value.calls else None

        escaped = {position(r.value) for r in fixture.returns if not r.called}  # ``return factory(...)``: its result
        called: set[int] = set()
        for site in fixture.calls:
            if site.callee == param:
                called.add(-1)
            elif site.callee.root in names:
                if site.callee.path or site.callee.calls:
                    escaped.add(names[site.callee.root])  # ``impl.method()``
                else:
                    called.add(names[site.callee.root])
            for key, arg in site.args:
                where = position(arg)
                if where is not None and not self._passes_uncalled(fixture.qualname, site.callee, key):
                    escaped.add(where)
        return None if escaped & called else called

    def _parametrized_uses(self, test: FunctionInfo, names: list[str]) -> set[int] | None:
        """Positions of ``names`` (bound by a ``@pytest.mark.parametrize`` of ``test``; -1 for a
        single name) that ``test`` calls by name; None when a called one also goes anywhere else
        (rebound, aliased, returned, handed to code that may call it, called as a method, read in
        a function nested in the test)."""
        position = {name: (-1 if len(names) == 1 else i) for i, name in enumerate(names)}
        escaped: set[int] = set()
        called: set[int] = set()
        def uncalled(value: Callee, called: bool) -> bool:  # ``g = f``, not ``r = f(...)``
            return value.root in position and not called and 0 not in value.calls

        for b in test.bindings:
            if b.name in position:
                escaped.add(position[b.name])  # rebound
            if uncalled(b.value, b.called):
                escaped.add(position[b.value.root])
        escaped |= {position[r.value.root] for r in test.returns if uncalled(r.value, r.called)}
        for site in test.calls:
            root = site.callee.root
            if root in position:
                # ``f(...)`` and ``f(...).json()`` call it; ``f.method()`` uses it otherwise
                called_here = not site.callee.path or (0 in site.callee.calls)
                (called if called_here else escaped).add(position[root])
            for key, arg in site.args:
                if arg.root in position and not self._passes_uncalled(test.qualname, site.callee, key):
                    escaped.add(position[arg.root])
        for fn in self.functions.values():
            if fn.parent == test.qualname:
                escaped |= {position[r.split(".")[0]] for r in fn.refs if r.split(".")[0] in position}
        return None if escaped & called else called

    def _passes_uncalled(self, scope: str, callee: Callee, key: str) -> bool:
        """``callee`` is a project function whose parameter ``key`` (a position or keyword) it
        never calls: it only reads the value it is handed (``impl.__name__``)."""
        target = self.global_of(scope, str(callee)) if not callee.calls else None
        fn = self.functions.get(target) if target else None
        if fn is None or fn.kind != "function":
            return False
        params = list(fn.params)
        param = params[int(key)] if key.isdigit() and int(key) < len(params) else next((p for p in params if p.name == key), None)
        if param is None:
            return False
        return not any(site.callee.root == param.name for site in fn.calls) and not any(
            b.value.root == param.name for b in fn.bindings
        )

    @cached_property
    def _stored_consumers(self) -> dict[str, dict[str, set[int]]]:
        """Collection key → the fixtures calling its elements through ``request.param`` and the
        positions each calls; only collections every reader of which is such a fixture."""
        consumers: dict[str, dict[str, set[int]]] = {}
        blocked: set[str] = set()
        for fn in self.functions.values():
            if fn.kind == "function" and fn.fixture_params:
                key = self._params_collection(fn)
                if key is None:
                    continue
                uses = self._param_uses(fn)
                if uses is None:
                    blocked.add(key)
                else:
                    consumers.setdefault(key, {})[fn.qualname] = uses
        for fn in self.functions.values():
            for collection in {c for c, _, _ in fn.collected if c.startswith(PARAMETRIZE_PREFIX)}:
                key = f"{fn.qualname}{collection}"
                uses = self._parametrized_uses(fn, collection.removeprefix(PARAMETRIZE_PREFIX).split(","))
                if uses is None:
                    blocked.add(key)
                else:
                    consumers.setdefault(key, {})[fn.qualname] = uses
        named = {key for key in consumers if "@" not in key}
        if named:
            for fn in self.functions.values():
                module = self._function_module[fn.qualname].module
                if fn.kind == "module" and any(key.rpartition(".")[0] == module for key in named):
                    continue  # the module building the list (``X = [...]``, ``X.extend(...)``)
                local = {p.name for p in fn.params} | {b.name for b in fn.bindings}
                for ref in fn.refs:
                    root = ref.split(".")[0]
                    key = None if root in local else self._collection_named(module, root)
                    if key in named and fn.qualname not in consumers[key]:
                        blocked.add(key)
        return {key: value for key, value in consumers.items() if key not in blocked}

    @cached_property
    def stored_families(self) -> dict[str, frozenset[str]]:
        """Function stored in ``params=`` collections whose every use is followed → the functions
        it converts with: every function stored at a called position of any of its collections
        (a fixture awaits all its elements or none), closed over shared members."""
        members: dict[str, set[str]] = {}  # collection key → functions at called positions
        bad: set[str] = set()
        for key, fixtures in self._stored_consumers.items():
            positions = set().union(*fixtures.values())
            functions: set[str] = set()
            for scope, element, position in self._collections.get(key, ()):
                if position not in positions:
                    continue
                nested = f"{scope}.{element}"
                qualname = nested if nested in self.functions else (self.global_of(scope, element) if element else None)
                if qualname is None or qualname not in self.functions or self.functions[qualname].kind != "function":
                    bad.add(key)  # a lambda, a class, something unknown: it cannot be awaited
                    break
                functions.add(qualname)
            if -1 in positions and any(p >= 0 for _, _, p in self._collections.get(key, ())):
                bad.add(key)  # tuples called whole
            if key not in bad:
                members[key] = functions
        followed: dict[str, set[str]] = {}
        for key, functions in members.items():
            for q in functions:
                followed.setdefault(q, set()).update(functions)
        # A function also stored somewhere not followed stays as ``Plan.build`` holds it.
        stored_elsewhere = set()
        for key, entries in self._collections.items():
            if key in members:
                continue
            for scope, element, _ in entries:
                nested = f"{scope}.{element}"
                qualname = nested if nested in self.functions else (self.global_of(scope, element) if element else None)
                if qualname in followed:
                    stored_elsewhere.add(qualname)
        changed = True
        while changed:  # close families over shared members
            changed = False
            for q, family in followed.items():
                for other in list(family):
                    if not followed[other] <= family:
                        family |= followed[other]
                        changed = True
        return {q: frozenset(f) for q, f in followed.items() if not (f & stored_elsewhere)}

    def parametrized_function(self, test: str, name: str) -> str | None:
        """A function stored in the ``@pytest.mark.parametrize`` values that ``test`` receives as
        parameter ``name`` and calls (one of its family: all async or all sync), None when not
        followed."""
        fn = self.functions.get(test)
        for collection in sorted({c for c, _, _ in fn.collected if c.startswith(PARAMETRIZE_PREFIX)} if fn else ()):
            names = collection.removeprefix(PARAMETRIZE_PREFIX).split(",")
            if name in names:
                return self._stored_member(f"{test}{collection}", test, -1 if len(names) == 1 else names.index(name))
        return None

    def param_function(self, fixture: str, position: int) -> str | None:
        """A function stored at ``position`` of the elements ``fixture`` reads as ``request.param``
        (one of its family: they are all async or all sync), None when not followed."""
        fn = self.functions.get(fixture)
        key = self._params_collection(fn) if fn is not None and fn.fixture_params else None
        return None if key is None else self._stored_member(key, fixture, position)

    def _stored_member(self, key: str, reader: str, position: int) -> str | None:
        """The followed function at ``position`` of collection ``key`` that ``reader`` calls."""
        if reader not in self._stored_consumers.get(key, {}):
            return None
        for scope, element, where in self._collections.get(key, ()):
            if where != position:
                continue
            nested = f"{scope}.{element}"
            qualname = nested if nested in self.functions else (self.global_of(scope, element) if element else None)
            if qualname in self.stored_families:
                # Held sync (with its family): the fixture calls it as it is.
                return None if qualname in self.held_sync else qualname
        return None
