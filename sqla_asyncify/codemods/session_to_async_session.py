"""``Session`` → ``AsyncSession`` in type annotations, and the imports that go with it.

Rewrites every annotation that names ``sqlalchemy.orm.Session`` (however imported: plain, aliased,
``sqlalchemy.orm.Session`` attribute form, inside ``Optional[...]``, ``Session | None``,
``Annotated[Session, Depends(...)]`` and module-level type aliases) to ``AsyncSession`` from
``sqlalchemy.ext.asyncio``; so does the class of ``isinstance(db, Session)`` where the plan knows
``db`` is a session (it is an ``AsyncSession`` now, never a ``Session``). The old import is removed only when nothing else uses it (a
``Session(engine)`` call keeps it). Calls that build sessions are the sessions codemod's concern.

The new import takes the old one's place (``from sqlalchemy.orm import Session, sessionmaker`` is
followed by ``from sqlalchemy.ext.asyncio import AsyncSession``), as a person would write it; only
when the old import is not a top-level ``from`` import is it queued with ``AddImportsVisitor``.
"""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .. import sqla
from ..names import Callee, dotted
from .base import AsyncifyCodemod, bound_names
from .imports import ImportSwaps

#: Subscripted names whose slices are types even outside an annotation (``DbDep = Annotated[...]``).
_TYPE_FORMS = frozenset(
    {
        "typing.Annotated",
        "typing_extensions.Annotated",
        "typing.Optional",
        "typing.Union",
        "typing_extensions.Optional",
    }
)


class SessionToAsyncSession(ImportSwaps, AsyncifyCodemod):
    DESCRIPTION = "Annotate sessions as AsyncSession."
    BATCHABLE = True
    TRIGGERS = ("Session",)
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._type_depth = 0
        self._replaced: set[str] = set()  # local spellings replaced (``Session``, ``DbSession``)
        self._uses: dict[str, int] = {}  # local spelling → references outside imports
        self._renames: dict[str, int] = {}  # local spelling → references renamed
        self._import_depth = 0
        self._spellings: set[str] = set()  # local names of sqlalchemy.orm.Session, for string annotations
        self._class_checks: set[int] = set()  # ``Session`` in ``isinstance(<a session>, Session)``
        self._bound: frozenset[str] | None = None

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._import_depth += 1
        if node.module is not None and dotted(node.module) in ("sqlalchemy.orm", "sqlalchemy.orm.session"):
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    if alias.evaluated_name == "Session":
                        self._spellings.add(alias.evaluated_alias or "Session")

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        self._import_depth -= 1
        return updated_node

    def visit_Name(self, node: cst.Name) -> None:
        if not self._import_depth and self._qualnames(node, sqla.SYNC_SESSION_CLASSES) & sqla.SYNC_SESSION_CLASSES:
            self._uses[node.value] = self._uses.get(node.value, 0) + 1

    def _qualnames(self, node: cst.CSTNode, among: frozenset[str] | None = None) -> set[str]:
        return self.qualified_names(node, among)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._type_depth += 1

    def leave_Annotation(self, original_node: cst.Annotation, updated_node: cst.Annotation) -> cst.Annotation:
        self._type_depth -= 1
        return updated_node

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._qualnames(node.value, _TYPE_FORMS) & _TYPE_FORMS:
            self._type_depth += 1

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        if self._qualnames(original_node.value, _TYPE_FORMS) & _TYPE_FORMS:
            self._type_depth -= 1
        return updated_node

    def visit_Call(self, node: cst.Call) -> bool:
        if self._type_depth == 0 and self._is_isinstance(node.func) and len(node.args) == 2:
            checked = Callee.of(node.args[0].value)
            if checked is not None and self.plan.is_session(self.context_qualname, checked):
                self._class_checks.add(id(node.args[1].value))
        # ``Depends(get_db)`` inside ``Annotated[...]`` holds no types.
        return self._type_depth == 0

    def _is_isinstance(self, func: cst.BaseExpression) -> bool:
        """The builtin ``isinstance`` (not a name the module binds itself)."""
        if not m.matches(func, m.Name("isinstance")):
            return False
        if self._bound is None:
            self._bound = bound_names(self.module)
        return "isinstance" not in self._bound

    def _rename(self, original: cst.BaseExpression) -> cst.BaseExpression | None:
        if not (self._type_depth or id(original) in self._class_checks):
            return None
        if not (self._qualnames(original, sqla.SYNC_SESSION_CLASSES) & sqla.SYNC_SESSION_CLASSES):
            return None
        if self.in_held_sync() or self.in_event_listener():
            return None  # a function held sync, or a listener SQLAlchemy calls sync, keeps its sync Session
        text = dotted(original)
        if text is None:
            return None
        sqlmodel = sorted(q for q in self._qualnames(original) if q.startswith("sqlmodel."))
        if sqlmodel:
            # SQLModel's AsyncSession (it keeps ``exec``) lives elsewhere: swap its import in place.
            self.queue_swap(original, sqlmodel[0], sqla.ASYNC_SESSION_MODULE[sqlmodel[0]], "AsyncSession")
            return cst.Name("AsyncSession")
        self._replaced.add(text)
        self._renames[text] = self._renames.get(text, 0) + 1
        return cst.Name("AsyncSession")

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        """A string annotation (``"Session"``, ``"Optional[DbSession]"``): rename inside it."""
        if not self._type_depth or self.in_held_sync() or not self._spellings:
            return updated_node
        pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(self._spellings))) + r")(?![\w.])")
        inner = updated_node.value[len(updated_node.prefix) + len(updated_node.quote) : -len(updated_node.quote)]
        new_inner, count = pattern.subn("AsyncSession", inner)
        if not count:
            return updated_node
        for spelling in set(pattern.findall(inner)):
            self._replaced.add(spelling)
            self._renames[spelling] = self._renames.get(spelling, 0) + 1
            self._uses[spelling] = self._uses.get(spelling, 0) + 1
        quote = updated_node.quote
        return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{new_inner}{quote}")

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._rename(original_node) or updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._rename(original_node) or updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._replaced:
            return updated_node
        body = list(updated_node.body)
        # Another transformer may have imported AsyncSession already (``from sqlalchemy.ext.asyncio
        # import AsyncSession, create_async_engine``): then only the Session import is trimmed.
        already = any(_imports_async_session(st) for st in body)
        for i, statement in enumerate(body):
            new = self._replace_import(statement)
            if new is not None:
                if already:
                    new = [st for st in new if not _imports_async_session(st)]
                    if not new and i + 1 < len(body):
                        nxt = body[i + 1]
                        body[i + 1] = nxt.with_changes(leading_lines=[*statement.leading_lines, *nxt.leading_lines])  # type: ignore[attr-defined]
                body[i : i + 1] = new
                return updated_node.with_changes(body=body)
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.ext.asyncio", "AsyncSession")
        for spelling in self._replaced:
            if "." in spelling:
                continue  # ``sqlalchemy.orm.Session``: the module import may serve other uses
            for module in ("sqlalchemy.orm", "sqlalchemy.orm.session"):
                asname = None if spelling == "Session" else spelling
                RemoveImportsVisitor.remove_unused_import(self.context, module, "Session", asname)
        return updated_node

    def _replace_import(self, statement: cst.BaseStatement) -> list[cst.BaseStatement] | None:
        """``from sqlalchemy.orm import Session[, …]`` → the same minus Session, plus the AsyncSession import."""
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            return None
        imp = statement.body[0]
        if not isinstance(imp, cst.ImportFrom) or isinstance(imp.names, cst.ImportStar) or imp.relative:
            return None
        if dotted(imp.module) not in ("sqlalchemy.orm", "sqlalchemy.orm.session") if imp.module else True:
            return None
        kept, dropped = [], False
        for alias in imp.names:
            local = alias.evaluated_alias or alias.evaluated_name
            if alias.evaluated_name == "Session" and local in self._replaced:
                if self._uses.get(local, 0) <= self._renames.get(local, 0):
                    dropped = True
                    continue
            kept.append(alias)
        new_import = cst.SimpleStatementLine(
            body=[cst.ImportFrom(module=cst.parse_expression("sqlalchemy.ext.asyncio"), names=[cst.ImportAlias(cst.Name("AsyncSession"))])]  # type: ignore[arg-type]
        )
        if not dropped:
            return [statement, new_import] if any(
                (a.evaluated_alias or a.evaluated_name) in self._replaced for a in imp.names
            ) else None
        if not kept:
            return [new_import.with_changes(leading_lines=statement.leading_lines)]
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return [statement.with_changes(body=[imp.with_changes(names=kept)]), new_import]


def _imports_async_session(statement: cst.BaseStatement) -> bool:
    """``from sqlalchemy.ext.asyncio import …, AsyncSession, …`` (top level, not aliased)."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    imp = statement.body[0]
    return (
        isinstance(imp, cst.ImportFrom)
        and not imp.relative
        and imp.module is not None
        and dotted(imp.module) == "sqlalchemy.ext.asyncio"
        and not isinstance(imp.names, cst.ImportStar)
        and any(a.evaluated_name == "AsyncSession" and a.asname is None for a in imp.names)
    )
