"""libcst's matcher lookup done once per class (``codemods/matcher_lookup.py``) finds what
libcst's own per-instance scan finds: nothing for the import visitors, the decorated methods of a
class that has some."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from sqla_asyncify.codemods import matcher_lookup


class _Decorated(m.MatcherDecoratableTransformer):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    @m.visit(m.Name("target"))
    def _saw(self, node: cst.Name) -> None:
        self.seen.append(node.value)

    @m.call_if_inside(m.FunctionDef())
    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append("inside:" + node.value)


def test_a_decorated_class_keeps_its_matchers() -> None:
    matcher_lookup.install()
    visitor = _Decorated()
    assert len(visitor._extra_visit_funcs) == 1 and len(visitor._matchers) == 1
    cst.parse_module("target = 1\ndef f():\n    other\n").visit(visitor)
    assert visitor.seen == ["target", "inside:f", "inside:other"]


def test_import_visitors_still_add_imports() -> None:
    matcher_lookup.install()
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, "sqlalchemy.ext.asyncio", "AsyncSession")
    visitor = AddImportsVisitor(context)
    assert visitor._extra_visit_funcs == {} and visitor._extra_leave_funcs == {}
    out = visitor.transform_module(cst.parse_module("import os\n\nx = 1\n"))
    assert out.code == "import os\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nx = 1\n"
