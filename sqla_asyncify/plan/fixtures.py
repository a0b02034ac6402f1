"""pytest fixtures: which ``@pytest.fixture`` a test's or fixture's parameter names, as pytest finds it.

A parameter named like a fixture is what that fixture returns or yields; inference asks which one
(its own module's first, then the nearest ``conftest``'s), and HTTP-client conversion asks which
fixtures a test requests, directly or through other fixtures. Nothing here types anything.
"""

from __future__ import annotations

from functools import cached_property

from .. import sqla
from ..index import FunctionInfo
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
