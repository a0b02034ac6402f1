"""Mocks follow the renames: a mock specced as ``Session`` becomes one specced as ``AsyncSession``.

``MagicMock(spec=AsyncSession)`` (and ``Mock``, ``AsyncMock``, ``create_autospec``, ``patch(...,
spec=…)``) makes the session's coroutine methods ``AsyncMock``s and leaves ``add`` & co. plain, so a
migrated ``await db.commit()`` works against it. ``patch("pkg.mod.Session")`` and friends name the
symbol the migration puts in ``pkg.mod`` (``AsyncSession``, ``create_async_engine``,
``async_sessionmaker``) when ``pkg.mod`` is a project module that imported the sync one; the
mock such a ``patch`` yields checks the call with ``expire_on_commit=False`` too (the migration
adds it to session classes and sessionmakers under the default policy).

A mock that cannot follow is reported (``mock-double``), never rewritten: one handed to a function
made async where that function binds a session to it (``Session(engine)`` on a mock engine: a real
``AsyncSession`` awaits real results from its bind), or an unspecced one handed to it as its session
(a plain ``MagicMock`` method returns nothing awaitable). Which parameters stand for the database is
the plan's answer (``database_parameters``); which names hold mocks is read here, in the caller.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .. import sqla
from ..names import Callee
from .base import AsyncifyCodemod, keyword_arg

MOCK_FACTORIES = frozenset(
    f"unittest.mock.{name}"
    for name in ("Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec", "patch", "patch.object")
) | frozenset({"mock.Mock", "mock.MagicMock", "mock.create_autospec", "mock.patch", "pytest_mock.MockerFixture"})
PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})
#: Calls that build a mock object (not a patcher): what a test hands over in place of a session or engine.
MOCK_OBJECTS = frozenset(
    f"{module}.{name}"
    for module in ("unittest.mock", "mock")
    for name in ("Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec")
)
#: Mock classes whose methods return plain (not awaitable) mocks unless specced.
SYNC_MOCKS = frozenset(
    f"{module}.{name}" for module in ("unittest.mock", "mock") for name in ("Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock")
)
_BIND_FIX = (
    "run it on a real engine (`create_async_engine(\"sqlite+aiosqlite://\")`), or patch the session class "
    "that function's module uses (`patch(\"<module>.AsyncSession\")`) with a mock whose awaited methods "
    "are `AsyncMock`s"
)
_SESSION_FIX = "spec it: `MagicMock(spec=AsyncSession)` makes the session's coroutine methods `AsyncMock`s"

#: Sync symbol imported from SQLAlchemy → the name the migration gives it in the importing module.
RENAMED_SYMBOLS: dict[str, str] = {
    "sqlalchemy.orm.Session": "AsyncSession",
    "sqlalchemy.orm.sessionmaker": "async_sessionmaker",
    "sqlalchemy.create_engine": "create_async_engine",
}


class MockSpecs(AsyncifyCodemod):
    DESCRIPTION = "Spec mocks as AsyncSession and point patch() targets at the renamed symbols."
    BATCHABLE = True
    TRIGGERS = ("mock", "patch")
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: ``with patch("pkg.db.Session") as factory``: names of mocks standing for a session class or
        #: sessionmaker the migration now builds with ``expire_on_commit=False``.
        self._factories: set[str] = set()
        #: ``name = MagicMock(...)`` in a function: (scope, name) → unspecced sync mock or not.
        self._mocks: dict[tuple[str, str], bool] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) and isinstance(node.value, cst.Call):
            plain = self._mock_object(node.value)
            if plain is not None:
                self._mocks[(self.context_qualname, node.targets[0].target.value)] = plain

    def _mock_object(self, call: cst.Call) -> bool | None:
        """None: not a mock built here; else whether it is an unspecced sync mock (no ``spec``)."""
        names = self.qualified_names(call.func, MOCK_OBJECTS) & MOCK_OBJECTS
        if not names:
            return None
        specced = any(a.keyword is None or a.keyword.value in ("spec", "spec_set") for a in call.args)
        return bool(names & SYNC_MOCKS) and not specced

    def _report_mock_doubles(self, node: cst.Call) -> None:
        """Mocks handed to a function made async in place of its session or of its session's bind."""
        callee = Callee.of(node.func)
        if callee is None:
            return
        target = self.plan.classify(self.context_qualname, callee)
        if target.kind != "function" or not self.plan.becomes_async(target.name):
            return
        database = self.plan.database_parameters(target.name)
        if not database:
            return
        params = [p.name for p in self.plan.functions[target.name].params]
        if self.plan.functions[target.name].class_qualname is not None and params[:1] in (["self"], ["cls"]):
            params = params[1:]
        for i, arg in enumerate(node.args):
            if arg.star:
                return
            param = arg.keyword.value if arg.keyword is not None else (params[i] if i < len(params) else None)
            role = database.get(param or "")
            if role is None:
                continue
            if isinstance(arg.value, cst.Name):
                plain, shown = self._mocks.get((self.context_qualname, arg.value.value)), arg.value.value
            elif isinstance(arg.value, cst.Call):
                plain, shown = self._mock_object(arg.value), "a mock"
            else:
                continue
            if plain is None:
                continue
            if role == "bind":
                self.report(
                    node,
                    f"`{shown}` is a mock handed to `{target.name}` as `{param}`, which it binds a session to: "
                    "migrated, that function awaits results from an `AsyncSession` on the mock, which a mock "
                    "cannot give (`AsyncMethodRequired` or `TypeError` at the first query)",
                    _BIND_FIX,
                    rule="mock-double",
                )
            elif plain:
                self.report(
                    node,
                    f"`{shown}` is an unspecced mock handed to `{target.name}` as its session `{param}`: "
                    "migrated, that function awaits the session's methods, and a plain mock's return values "
                    "cannot be awaited (`TypeError`)",
                    _SESSION_FIX,
                    rule="mock-double",
                )

    def visit_WithItem(self, node: cst.WithItem) -> None:
        item = node.item
        if (
            isinstance(item, cst.Call)
            and self.qualified_names(item.func, PATCHERS) & PATCHERS
            and item.args
            and isinstance(item.args[0].value, cst.SimpleString)
            and node.asname is not None
            and isinstance(node.asname.name, cst.Name)
            and not self.plan.keeps_expiry
        ):
            renamed = self._patch_target(item.args[0].value)
            if renamed is not None and renamed.evaluated_value.rsplit(".", 1)[-1] in ("AsyncSession", "async_sessionmaker"):
                self._factories.add(node.asname.name.value)

    def _assertion_with_expiry(self, node: cst.Call) -> cst.Call:
        """``factory.assert_called_once_with(bind=engine)`` on such a mock: the call it checks now also
        passes ``expire_on_commit=False`` (async-sessionmaker adds it where absent)."""
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in self._factories
            and func.attr.value in ("assert_called_once_with", "assert_called_with", "assert_any_call")
            and not any(a.keyword is not None and a.keyword.value == "expire_on_commit" for a in node.args)
            and not any(a.star for a in node.args)
        ):
            return node
        args = list(node.args)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return node.with_changes(args=[*args, keyword_arg("expire_on_commit", cst.Name("False"))])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = self._assertion_with_expiry(updated_node)
        self._report_mock_doubles(original_node)
        names = self.qualified_names(original_node.func, MOCK_FACTORIES)
        if not names & MOCK_FACTORIES:
            return updated_node
        args = list(updated_node.args)
        for i, (original, arg) in enumerate(zip(original_node.args, updated_node.args)):
            specs_here = (arg.keyword is not None and arg.keyword.value in ("spec", "spec_set", "autospec")) or (
                i == 0 and arg.keyword is None and names & {"unittest.mock.create_autospec", "mock.create_autospec"}
            )
            if specs_here and self.qualified_names(original.value, sqla.SYNC_SESSION_CLASSES) & sqla.SYNC_SESSION_CLASSES:
                self.add_async_session_import()
                args[i] = arg.with_changes(value=cst.Name("AsyncSession"))
            elif i == 0 and arg.keyword is None and names & PATCHERS and isinstance(arg.value, cst.SimpleString):
                renamed = self._patch_target(arg.value)
                if renamed is not None:
                    args[i] = arg.with_changes(value=renamed)
        return updated_node.with_changes(args=args)

    def add_async_session_import(self) -> None:
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.ext.asyncio", "AsyncSession")
        RemoveImportsVisitor.remove_unused_import(self.context, "sqlalchemy.orm", "Session")

    def _patch_target(self, node: cst.SimpleString) -> cst.SimpleString | None:
        value = node.evaluated_value
        if not isinstance(value, str):
            return None
        module, _, name = value.rpartition(".")
        index = self.plan.modules.get(module)
        if index is None:
            return None
        imported = dict(index.imports).get(name)
        new = RENAMED_SYMBOLS.get(imported or "")
        if new is None or not self._module_changes(module):
            return None
        quote = node.quote
        return node.with_changes(value=f"{node.prefix}{quote}{module}.{new}{quote}")

    def _module_changes(self, module: str) -> bool:
        """The patched module is migrated (not held sync whole)."""
        return f"{module}.<module>" not in self.plan.held_sync
