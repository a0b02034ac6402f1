"""``Session`` → ``AsyncSession`` in type annotations, and the imports that go with it.

Rewrites every annotation that names ``sqlalchemy.orm.Session`` (however imported: plain, aliased,
``sqlalchemy.orm.Session`` attribute form, inside ``Optional[...]``, ``Session | None``,
``Annotated[Session, Depends(...)]`` and module-level type aliases) to ``AsyncSession`` from
``sqlalchemy.ext.asyncio``. The old import is removed only when nothing else uses it (a
``Session(engine)`` call keeps it). Calls that build sessions are the sessions codemod's concern.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .. import sqla
from ..names import dotted
from .base import AsyncifyCodemod

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


class SessionToAsyncSession(AsyncifyCodemod):
    DESCRIPTION = "Annotate sessions as AsyncSession."
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._type_depth = 0
        self._replaced: set[str] = set()  # local spellings replaced (``Session``, ``DbSession``)

    def _qualnames(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._type_depth += 1

    def leave_Annotation(self, original_node: cst.Annotation, updated_node: cst.Annotation) -> cst.Annotation:
        self._type_depth -= 1
        return updated_node

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._qualnames(node.value) & _TYPE_FORMS:
            self._type_depth += 1

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        if self._qualnames(original_node.value) & _TYPE_FORMS:
            self._type_depth -= 1
        return updated_node

    def visit_Call(self, node: cst.Call) -> bool:
        # ``Depends(get_db)`` inside ``Annotated[...]`` holds no types.
        return self._type_depth == 0

    def _rename(self, original: cst.BaseExpression) -> cst.BaseExpression | None:
        if not self._type_depth or not (self._qualnames(original) & sqla.SYNC_SESSION_CLASSES):
            return None
        text = dotted(original)
        if text is None:
            return None
        self._replaced.add(text)
        return cst.Name("AsyncSession")

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._rename(original_node) or updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._rename(original_node) or updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._replaced:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.ext.asyncio", "AsyncSession")
        for spelling in self._replaced:
            if "." in spelling:
                continue  # ``sqlalchemy.orm.Session``: the module import may serve other uses
            for module in ("sqlalchemy.orm", "sqlalchemy.orm.session"):
                asname = None if spelling == "Session" else spelling
                RemoveImportsVisitor.remove_unused_import(self.context, module, "Session", asname)
        return updated_node
