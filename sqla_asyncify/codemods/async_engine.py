"""``create_engine(url, ...)`` → ``create_async_engine(url, ...)``, with the URL's driver made async.

Only SQLAlchemy's ``create_engine`` (``sqlalchemy.create_engine`` / ``sqlalchemy.engine.create_engine``,
however imported); a ``create_engine`` from another library is left alone. Keyword arguments stay:
``connect_args={"check_same_thread": False}`` is harmless with aiosqlite (rules §3.20).

The URL is converted where the driver can be seen (rules §3.20): a string literal, an f-string or
concatenation whose leading literal holds the scheme, or a module-level constant of this module
passed by name (``DATABASE_URL = f"sqlite:///{path}"``; the constant itself is rewritten).
``sqlite://`` → ``sqlite+aiosqlite://``, ``postgresql[+psycopg2|+pg8000]://`` →
``postgresql+asyncpg://``, ``mysql[+pymysql|+mysqldb]://`` → ``mysql+aiomysql://``,
``mssql[+pyodbc]://`` → ``mssql+aioodbc://``; async drivers are kept. A URL computed at run time
(``os.environ[...]``, a settings attribute, a parameter, an imported constant) is converted at run
time, where the engine is built (``runtime_url.py``), so the setting keeps its sync URL for sync
consumers; a visible URL whose driver has no known async counterpart is reported
(``unknown-driver``), and so is a converted constant that is also used for something else, in this
module or imported by another (``shared-url``): those uses get the async URL too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst

from .. import sqla
from ..names import Callee, QualnameTracker
from .base import AsyncifyCodemod
from .imports import ImportSwaps
from .runtime_url import ASYNC_READY_DRIVERS, runtime_async_url

#: Sync dialect+driver → the async driver of the same database (rules §3.20).
ASYNC_DRIVERS: dict[str, str] = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+pg8000": "postgresql+asyncpg",
    "mysql": "mysql+aiomysql",
    "mysql+pymysql": "mysql+aiomysql",
    "mysql+mysqldb": "mysql+aiomysql",
    "mssql": "mssql+aioodbc",
    "mssql+pyodbc": "mssql+aioodbc",
}

#: Drivers ``create_async_engine`` accepts as written.
ASYNC_READY: frozenset[str] = frozenset(ASYNC_READY_DRIVERS)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9_.+-]*)://")

def _leading_text(node: cst.BaseExpression) -> tuple[str, str] | None:
    """``(kind, text)`` of the literal an URL expression starts with, or None."""
    if isinstance(node, cst.SimpleString):
        if "b" in node.prefix.lower():
            return None
        return "simple", node.value[len(node.prefix) + len(node.quote) :]
    if isinstance(node, cst.FormattedString):
        if node.parts and isinstance(node.parts[0], cst.FormattedStringText):
            return "fstring", node.parts[0].value
        return None
    if isinstance(node, cst.ConcatenatedString):
        return _leading_text(node.left)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _leading_text(node.left)
    return None


def replace_scheme(node: cst.BaseExpression, old: str, new: str) -> cst.BaseExpression:
    """The URL expression with its leading ``old://`` replaced by ``new://``."""
    if isinstance(node, cst.SimpleString):
        head = len(node.prefix) + len(node.quote)
        return node.with_changes(value=node.value[:head] + new + node.value[head + len(old) :])
    if isinstance(node, cst.FormattedString):
        first = node.parts[0]
        assert isinstance(first, cst.FormattedStringText)
        parts = [first.with_changes(value=new + first.value[len(old) :]), *node.parts[1:]]
        return node.with_changes(parts=parts)
    if isinstance(node, cst.ConcatenatedString):
        return node.with_changes(left=replace_scheme(node.left, old, new))
    if isinstance(node, cst.BinaryOperation):
        return node.with_changes(left=replace_scheme(node.left, old, new))
    raise AssertionError(node)


def async_driver_for(scheme: str, async_drivers: Mapping[str, str]) -> str | None:
    """The async ``dialect+driver`` for a sync one: ``[tool.asyncify] async-driver`` first."""
    dialect = scheme.partition("+")[0]
    if scheme in ASYNC_DRIVERS and dialect in async_drivers:
        return f"{dialect}+{async_drivers[dialect]}"
    return ASYNC_DRIVERS.get(scheme)


def url_scheme(node: cst.BaseExpression) -> str | None:
    """The ``dialect+driver`` an URL expression visibly starts with, or None."""
    leading = _leading_text(node)
    if leading is None:
        return None
    match = _SCHEME.match(leading[1])
    return match.group(1) if match else None


class AsyncEngine(ImportSwaps, AsyncifyCodemod):
    DESCRIPTION = "create_engine → create_async_engine, with an async driver in the URL."
    TRIGGERS = ("create_engine",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: Module-level constants of this module passed as an engine URL: name → new scheme.
        self._constants: dict[str, tuple[str, str | None]] = {}
        #: Module-level ``NAME = value`` bindings (None: bound more than once).
        self._module_values: dict[str, cst.BaseExpression | None] = {}
        self._url_args: set[int] = set()  # ids of the Name nodes passed as engine URLs
        self._other_uses: set[str] = set()  # converted constants also used for something else
        self._kept: set[int] = set()  # engines that stay sync for held code (``Plan.sync_wiring``)

    def _is_create_engine(self, call: cst.Call) -> bool:
        callee = Callee.of(call.func)
        return callee is not None and not callee.calls and self.plan.qualify(self.module_name, callee) in sqla.SYNC_ENGINE_FACTORIES

    @staticmethod
    def _url_arg(call: cst.Call) -> cst.Arg | None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "url":
                return arg
        if call.args and call.args[0].keyword is None and not call.args[0].star:
            return call.args[0]
        return None

    # -- module-level constants, found before the rewrite ----------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._kept = self.kept_values(node)
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    target, value = None, None
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target, value = small.targets[0].target, small.value
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        target, value = small.target, small.value
                    if isinstance(target, cst.Name) and value is not None:
                        # A name bound more than once at module level is not a constant.
                        self._module_values[target.value] = None if target.value in self._module_values else value
        # Which constants are engine URLs must be known before their assignment is left, which
        # comes first in the file: find the create_engine calls now.
        codemod = self

        class _FindUrls(QualnameTracker, cst.CSTVisitor):
            def __init__(self) -> None:
                super().__init__()
                self._scope_init(codemod.module_name)

            def visit_ClassDef(self, n: cst.ClassDef) -> None:
                self._push("class", n.name.value)

            def leave_ClassDef(self, n: cst.ClassDef) -> None:
                self._pop()

            def visit_FunctionDef(self, n: cst.FunctionDef) -> None:
                self._push("function", n.name.value)

            def leave_FunctionDef(self, n: cst.FunctionDef) -> None:
                self._pop()

            def visit_Lambda(self, n: cst.Lambda) -> None:
                self._push("lambda", "<lambda>")

            def leave_Lambda(self, n: cst.Lambda) -> None:
                self._pop()

            def visit_Call(self, n: cst.Call) -> None:
                if not codemod._is_create_engine(n) or id(n) in codemod._kept:
                    return
                if any(qualname in codemod.plan.held_sync for _, qualname in self._scopes):
                    return  # an engine held code builds for itself stays sync, and so does its URL
                url = codemod._url_arg(n)
                if url is not None and isinstance(url.value, cst.Name):
                    name = url.value.value
                    scheme = codemod._constant_scheme(self.context_qualname, name)
                    if scheme is not None:
                        new = scheme if scheme in ASYNC_READY else codemod._driver_for(scheme)
                        codemod._constants[name] = (scheme, new)
                        codemod._url_args.add(id(url.value))

        class _OtherUses(cst.CSTVisitor):
            """References of a converted constant other than its assignment and engine URLs."""

            def visit_Attribute(self, n: cst.Attribute) -> bool:
                n.value.visit(self)
                return False

            def visit_Arg(self, n: cst.Arg) -> bool:
                n.value.visit(self)
                return False

            def visit_Assign(self, n: cst.Assign) -> bool:
                n.value.visit(self)
                return False

            def visit_AnnAssign(self, n: cst.AnnAssign) -> bool:
                if n.value is not None:
                    n.value.visit(self)
                return False

            def visit_Name(self, n: cst.Name) -> None:
                if n.value in codemod._constants and id(n) not in codemod._url_args:
                    codemod._other_uses.add(n.value)

        node.visit(_FindUrls())
        if self._constants:
            node.visit(_OtherUses())
            for module, imports in self.plan._imports.items():
                for local, qualname in imports.items():
                    prefix, _, name = qualname.rpartition(".")
                    if prefix == self.module_name and name in self._constants and module != self.module_name:
                        self._other_uses.add(name)

    def _constant_scheme(self, scope: str, name: str) -> str | None:
        """The scheme of a module-level constant of this module, when ``name`` in ``scope`` is one."""
        fn = self.plan.functions.get(scope)
        if fn is not None and fn.kind != "module":
            if any(p.name == name for p in fn.params) or any(b.name == name for b in fn.bindings):
                return None  # a local or a parameter shadows it
        value = self._module_values.get(name)
        return None if value is None else url_scheme(value)

    # -- the rewrite ---------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._is_create_engine(original_node) or id(original_node) in self._kept or self.in_held_sync():
            return updated_node
        url_arg = self._url_arg(updated_node)
        if url_arg is not None:
            updated_node = self._convert_url(original_node, updated_node, url_arg)
        self._swap_import(original_node)
        return updated_node.with_changes(func=cst.Name("create_async_engine"))

    def _convert_url(self, original: cst.Call, call: cst.Call, url_arg: cst.Arg) -> cst.Call:
        value = url_arg.value
        scheme = url_scheme(value)
        if isinstance(value, cst.Name) and value.value in self._constants:
            scheme, new = self._constants[value.value]
            self._async_scheme(original, scheme)  # reports a driver with no async counterpart
            return call  # the constant's assignment is rewritten
        if scheme is None:
            # Known only at run time: converted there, where the engine is built (runtime_url.py).
            converted = runtime_async_url(self.context, value, self.plan.async_drivers)
            return call.with_changes(args=[a.with_changes(value=converted) if a is url_arg else a for a in call.args])
        new = self._async_scheme(original, scheme)
        if new is None or new == scheme:
            return call
        return call.with_changes(
            args=[a.with_changes(value=replace_scheme(value, scheme, new)) if a is url_arg else a for a in call.args]
        )

    def _driver_for(self, scheme: str) -> str | None:
        return async_driver_for(scheme, self.plan.async_drivers)

    def _async_scheme(self, node: cst.CSTNode, scheme: str) -> str | None:
        if scheme in ASYNC_READY:
            return scheme
        new = self._driver_for(scheme)
        if new is None:
            self.report(
                node,
                f"no known async driver for `{scheme}://`: create_async_engine needs one",
                "pick the async driver of this database (see SQLAlchemy's dialect docs) and put it in the URL",
                rule="unknown-driver",
            )
        return new

    def _swap_import(self, call: cst.Call) -> None:
        callee = Callee.of(call.func)
        assert callee is not None
        self.queue_swap(call.func, self.plan.qualify(self.module_name, callee), "sqlalchemy.ext.asyncio", "create_async_engine")

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if self.scope_kind != "module" or len(original_node.targets) != 1:
            return updated_node
        target = original_node.targets[0].target
        if isinstance(target, cst.Name):
            self._report_shared(original_node, target.value)
            return updated_node.with_changes(value=self._converted_constant(target.value, updated_node.value))
        return updated_node

    def _report_shared(self, node: cst.CSTNode, name: str) -> None:
        old, new = self._constants.get(name, (None, None))
        if name in self._other_uses and new is not None and new != old:
            self.report(
                node,
                f"`{name}` now names the async driver `{new}://` and is also used for something other than "
                "create_async_engine (here or imported elsewhere): those uses get the async URL too",
                f"give sync consumers (Alembic, scripts, a sync engine) their own URL, e.g. "
                f'`make_url({name}).set(drivername="{old}")`',
                rule="shared-url",
            )

    def _converted_constant(self, name: str, value: cst.BaseExpression) -> cst.BaseExpression:
        old, new = self._constants.get(name, (None, None))
        if old is None or new is None or new == old or url_scheme(value) != old:
            return value
        return replace_scheme(value, old, new)

    def leave_AnnAssign(self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign) -> cst.AnnAssign:
        target = original_node.target
        if self.scope_kind == "module" and isinstance(target, cst.Name) and updated_node.value is not None:
            self._report_shared(original_node, target.value)
            return updated_node.with_changes(value=self._converted_constant(target.value, updated_node.value))
        return updated_node
