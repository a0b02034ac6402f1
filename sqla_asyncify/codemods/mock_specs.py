"""Mocks follow the renames: a mock specced as ``Session`` becomes one specced as ``AsyncSession``.

``MagicMock(spec=AsyncSession)`` (and ``Mock``, ``AsyncMock``, ``create_autospec``, ``patch(...,
spec=…)``) makes the session's coroutine methods ``AsyncMock``s and leaves ``add`` & co. plain, so a
migrated ``await db.commit()`` works against it. ``patch("pkg.mod.Session")`` and friends name the
symbol the migration puts in ``pkg.mod`` (``AsyncSession``, ``create_async_engine``,
``async_sessionmaker``) when ``pkg.mod`` is a project module that imported the sync one; the
mock such a ``patch`` yields checks the call with ``expire_on_commit=False`` too (the migration
adds it to session classes and sessionmakers under the default policy).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .. import sqla
from .base import AsyncifyCodemod, keyword_arg

MOCK_FACTORIES = frozenset(
    f"unittest.mock.{name}"
    for name in ("Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec", "patch", "patch.object")
) | frozenset({"mock.Mock", "mock.MagicMock", "mock.create_autospec", "mock.patch", "pytest_mock.MockerFixture"})
PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})

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
