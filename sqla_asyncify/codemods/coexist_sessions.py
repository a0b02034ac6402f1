"""Sync and async session wiring side by side, while part of the project stays sync (issue #7).

When code held sync (a keep-sync pattern, a pragma, a module held whole) still reads the engine, the
``sessionmaker`` or the ``get_db`` dependency, the plan keeps them as they are (``Plan.sync_wiring``)
and names an async twin for each one migrated code reads (``Plan.twins``). This transformer:

* adds each twin right after what it mirrors, in the module defining it (a module held whole gets
  only these additions; its own lines stay byte for byte):
  ``engine = create_engine(URL, **kw)`` → ``async_engine = create_async_engine(<URL, async driver>, **kw)``
  (a module constant URL is reused through ``make_url(URL).set(drivername=...)``, so both engines
  follow it; rules §3.20); ``SessionLocal = sessionmaker(..., bind=engine)`` →
  ``AsyncSessionLocal = async_sessionmaker(..., bind=async_engine, expire_on_commit=False)``
  (rules §3.3, §3.11; with ``expire-on-commit = "keep"`` the twin keeps expiring, no keyword is
  added); ``def get_db()`` → ``async def get_async_db()``, the same body on the async
  sessionmaker with its session calls awaited and ``with`` made ``async with`` (rules §3.7, §3.10);
* points migrated code at the twins: in every function that is not held (nor a sync boundary),
  ``Depends(get_db)`` → ``Depends(get_async_db)``, ``SessionLocal()`` → ``AsyncSessionLocal()``,
  ``engine`` → ``async_engine``, importing the twin where the original was imported;
* reports each twin it adds (``coexist-sessions``): two engines, two pools, one database.

It runs last: it adds lines, and earlier transformers ask the plan about the names the index saw.
Its report lines come from the index (the input's lines). The plan refuses a twin for a dependency
that does more than open, yield, commit and close a session: migrated code needing it is held sync.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from .. import sqla
from ..names import Callee, dotted
from ..plan import Plan
from ..report import ReportItem
from .async_engine import (
    ASYNC_READY,
    async_driver_for,
    replace_scheme,
    url_scheme,
)
from .runtime_url import runtime_async_url
from .async_sessionmaker import (
    EXPIRE_ON_COMMIT_FIX,
    EXPIRE_ON_COMMIT_REASON,
    with_expire_on_commit_false,
)
from .base import AsyncifyCodemod


class _Twins(cst.CSTTransformer):
    """Inside a twin being built: names of kept wiring → their twins; for a dependency's body, also
    ``with`` → ``async with`` over sessions and awaited session calls."""

    def __init__(self, codemod: CoexistSessions, scope: str, sessions: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.codemod = codemod
        self.scope = scope
        self.sessions = sessions
        self._keywords: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self.codemod.twin_attribute(node, self.scope) is None

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self.codemod.twin_attribute(original_node, self.scope) or updated_node

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:  # ``bind=engine``: the keyword is not a reference
            self._keywords.add(id(node.keyword))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) in self._keywords:
            return updated_node
        twin = self.codemod.plan.twin_of(self.scope, original_node.value, migrated=False)
        if twin is None:
            return updated_node
        self.codemod.note_rename(original_node.value, twin[0], twin[1])
        return updated_node.with_changes(value=twin[1])

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        """``with SessionLocal() as db`` / ``with db.begin()`` → ``async with`` (every item is one)."""
        roots = set(self.sessions) | {q.rpartition(".")[2] for q in self.codemod.plan.twins}
        for item in original_node.items:
            callee = Callee.of(item.item.func) if isinstance(item.item, cst.Call) else None
            if callee is None or callee.root not in roots:
                return updated_node
        return updated_node.with_changes(asynchronous=cst.Asynchronous())

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        callee = Callee.of(original_node.func)
        if (
            callee is not None
            and len(callee.path) == 1
            and not callee.calls
            and callee.root in self.sessions
            and callee.path[0] in sqla.AWAITED_SESSION_METHODS
        ):
            return cst.Await(updated_node)
        return updated_node


class CoexistSessions(AsyncifyCodemod):
    DESCRIPTION = "Keep the sync engine/sessionmaker/get_db that held code uses; add async twins for migrated code."

    @classmethod
    def wanted(cls, plan: Plan, module_name: str) -> bool:
        return bool(plan.twins)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._not_refs: set[int] = set()
        #: Imported local names renamed to a twin: local → (twin, qualname of the original).
        self._renamed: dict[str, tuple[str, str]] = {}

    # -- references in migrated code -----------------------------------------------------------
    def _def_scope(self) -> str | None:
        """The innermost ``def`` (lambdas follow it; earlier passes may have added lambdas, so
        their numbering is not the index's)."""
        for kind, qualname in reversed(self._scopes):
            if kind == "function":
                return qualname
        return None

    def note_rename(self, local: str, qualname: str, twin: str) -> None:
        """``local`` was replaced by ``twin``: when ``local`` is imported, the twin must be too."""
        if qualname.rpartition(".")[0] != self.module_name and "." not in local:
            self._renamed[local] = (twin, qualname)

    def twin_attribute(self, node: cst.Attribute, scope: str) -> cst.Attribute | None:
        """``database.SessionLocal`` → ``database.AsyncSessionLocal`` (a module's attribute only)."""
        text = dotted(node)
        if text is None or "." not in text:
            return None
        twin = self.plan.twin_of(scope, text, migrated=False)
        if twin is None or twin[0].rpartition(".")[2] != node.attr.value:
            return None
        if self.plan.global_of(scope, text.rpartition(".")[0]) is not None:
            return None  # ``engine.dispose``: an attribute of the wiring, not a module's
        return node.with_changes(attr=cst.Name(twin[1]))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_refs.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self._not_refs.add(id(node.name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        self._not_refs.add(id(node.name))
        return super().visit_FunctionDef(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool | None:
        self._not_refs.add(id(node.name))
        return super().visit_ClassDef(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_refs.add(id(node.attr))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        scope = self._def_scope()
        if scope is None or not self.plan.migrated_user(scope):
            return updated_node
        twin = self.twin_attribute(original_node, scope)
        return updated_node if twin is None else updated_node.with_changes(attr=twin.attr)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        scope = self._def_scope()
        if scope is None or id(original_node) in self._not_refs:
            return updated_node
        twin = self.plan.twin_of(scope, original_node.value)
        if twin is None:
            return updated_node
        self.note_rename(original_node.value, *twin)
        return updated_node.with_changes(value=twin[1])

    # -- the twins, in the module defining the wiring ------------------------------------------
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        # Module-level ``URL = "sqlite:///…"`` constants: an engine built from one names its scheme.
        self._constants: dict[str, cst.BaseExpression] = {}
        for statement in updated_node.body:
            qualname = self._defined_here(statement)
            if qualname is not None and isinstance(statement, cst.SimpleStatementLine):
                assign = statement.body[0]
                assert isinstance(assign, cst.Assign)
                self._constants[qualname.rpartition(".")[2]] = assign.value
        body: list[cst.BaseStatement] = []
        for statement in updated_node.body:
            body.append(statement)
            body.extend(self._twins_after(statement))
        tree = updated_node.with_changes(body=body)
        return self._import_twins(tree)

    def _defined_here(self, statement: cst.BaseStatement) -> str | None:
        """The qualname a top-level statement defines (``engine = …``, ``def get_db``)."""
        if isinstance(statement, cst.FunctionDef):
            return f"{self.module_name}.{statement.name.value}"
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                return f"{self.module_name}.{small.targets[0].target.value}"
        return None

    def _twins_after(self, statement: cst.BaseStatement) -> list[cst.BaseStatement]:
        qualname = self._defined_here(statement)
        if qualname is None or qualname not in self.plan.twins:
            return []
        twin = self.plan.twins[qualname]
        if f"{self.module_name}.{twin}" in self.plan.functions or f"{self.module_name}.{twin}" in self.plan.global_names:
            return []  # added by an earlier run (or written by hand): nothing to add
        module_scope = f"{self.module_name}.<module>"
        if isinstance(statement, cst.FunctionDef):
            return self._provider_twin(statement, qualname, twin)
        assert isinstance(statement, cst.SimpleStatementLine)
        assign = statement.body[0]
        assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
        call = assign.value.visit(_Twins(self, module_scope))
        assert isinstance(call, cst.Call)
        line = self.plan.global_line(qualname)
        if self.plan.wiring_kind(qualname) == "engine":
            call = self._engine_twin(call, line)
            what = (
                f"`{qualname.rpartition('.')[2]}` stays a sync engine ({self.plan.sync_wiring[qualname]}); "
                f"`{twin}` was added beside it for migrated code: two engines (two connection pools) now "
                "open the same database"
            )
            fix = "once no held code uses the sync engine, remove it and rename the async one"
        else:
            call = self._sessionmaker_twin(call, line)
            what = (
                f"`{qualname.rpartition('.')[2]}` stays a sync sessionmaker ({self.plan.sync_wiring[qualname]}); "
                f"`{twin}` was added beside it for migrated code: a sync and an async session never share "
                "a transaction (held code called through `run_sync` does share the async session's)"
            )
            fix = "migrate the held code, then remove the sync sessionmaker"
        self._report_at(line, what, fix)
        twin_statement = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(twin))], call)],
        )
        return [twin_statement]

    def _report_at(self, line: int, reason: str, fix: str, rule: str | None = None) -> None:
        item = ReportItem(self.path, line, rule or self.rule(), reason, fix)
        if item not in self.items:
            self.items.append(item)

    def _engine_twin(self, call: cst.Call, line: int) -> cst.Call:
        """``create_engine(URL, **kw)`` → ``create_async_engine(<URL with an async driver>, **kw)``."""
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.ext.asyncio", "create_async_engine")
        args = list(call.args)
        at = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "url"), None)
        if at is None and args and args[0].keyword is None and not args[0].star:
            at = 0
        if at is not None:
            value = args[at].value
            scheme = url_scheme(value)
            constant = self._constants.get(value.value) if isinstance(value, cst.Name) else None
            if scheme is None and constant is not None:
                scheme = url_scheme(constant)
            new = None
            if scheme is not None:
                new = scheme if scheme in ASYNC_READY else async_driver_for(scheme, self.plan.async_drivers)
                if new is None:
                    self._report_at(
                        line,
                        f"no known async driver for `{scheme}://`: the async engine beside the sync one needs one",
                        "pick the async driver of this database and put it in the async engine's URL",
                        rule="unknown-driver",
                    )
            else:
                # Known only at run time: the twin converts it there; the sync engine keeps it as is.
                args[at] = args[at].with_changes(value=runtime_async_url(self.context, value, self.plan.async_drivers))
            if new is not None and new != scheme:
                if isinstance(value, cst.Name):
                    AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "make_url")
                    value = cst.parse_expression(f'make_url({value.value}).set(drivername="{new}")')
                else:
                    value = replace_scheme(value, scheme, new)  # type: ignore[arg-type]
                args[at] = args[at].with_changes(value=value)
        return call.with_changes(func=cst.Name("create_async_engine"), args=args)

    def _sessionmaker_twin(self, call: cst.Call, line: int) -> cst.Call:
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.ext.asyncio", "async_sessionmaker")
        # The twin follows the ``expire-on-commit`` policy, like a converted sessionmaker.
        if not self.plan.keeps_expiry and not any(
            a.keyword is not None and a.keyword.value == "expire_on_commit" for a in call.args
        ):
            self._report_at(line, EXPIRE_ON_COMMIT_REASON, EXPIRE_ON_COMMIT_FIX, rule="expire-on-commit")
            call = with_expire_on_commit_false(call)
        return call.with_changes(func=cst.Name("async_sessionmaker"))

    def _provider_twin(self, node: cst.FunctionDef, qualname: str, twin: str) -> list[cst.BaseStatement]:
        """``def get_db(): …`` → ``async def get_async_db(): …`` on the async sessionmaker."""
        sessions = frozenset(self.plan.session_names(qualname))
        body = node.body.visit(_Twins(self, qualname, sessions))
        self._report_at(
            self.plan.functions[qualname].line,
            f"`{node.name.value}` stays sync ({self.plan.sync_wiring[qualname]}); `{twin}` was added beside it "
            "and migrated code depends on it instead",
            "once no held code depends on it, remove the sync dependency",
        )
        if isinstance(body, cst.IndentedBlock):
            body = body.with_changes(header=cst.TrailingWhitespace())  # not the original's pragma
        added = node.with_changes(
            name=cst.Name(twin),
            asynchronous=cst.Asynchronous(),
            body=body,
            returns=None,
            leading_lines=[cst.EmptyLine(), cst.EmptyLine()],
        )
        return [added]

    # -- imports of twins ----------------------------------------------------------------------
    def _import_twins(self, tree: cst.Module) -> cst.Module:
        """Where a renamed name was imported, import its twin from the same place; drop the original
        name when nothing uses it any more."""
        if not self._renamed:
            return tree
        from .imports import _Uses

        body = list(tree.body)
        for i, statement in enumerate(body):
            if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
                continue
            imp = statement.body[0]
            if not isinstance(imp, cst.ImportFrom) or isinstance(imp.names, cst.ImportStar):
                continue
            names: list[cst.ImportAlias] = []
            changed = False
            for alias in imp.names:
                local = alias.evaluated_alias or alias.evaluated_name
                renamed = self._renamed.get(local)
                if renamed is None:
                    names.append(alias)
                    continue
                uses = _Uses(local)
                tree.visit(uses)
                if uses.count:
                    names.append(alias)
                if not any(a.evaluated_name == renamed[0] for a in imp.names):
                    names.append(cst.ImportAlias(cst.Name(renamed[0])))
                changed = True
            if changed:
                from .imports import _with_names

                body[i] = statement.with_changes(body=[_with_names(imp, names)])
        return tree.with_changes(body=body)
