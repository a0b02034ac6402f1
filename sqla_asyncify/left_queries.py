"""Planning's left-query pass without a rewrite: ``QueryToSelect``'s decisions alone.

The pipeline holds sync a function the plan would make async but whose legacy query
``query-to-select`` cannot convert (``pipeline._left_queries``). Those decisions are made in the
transformer's ``visit_FunctionDef``, from the original nodes; transforming the whole module to
read them cost a traversal, the rendering of every converted chain and, after it, add-awaits.
Where add-awaits can find nothing (no generator expression), this reads the decisions alone.

``QueryProbe`` and ``name_references`` read the sources the same way for ``returned_queries``
(``pipeline._returned_queries``): which functions could hand back their query converted, and how
what they return is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

import libcst as cst
from libcst.metadata import PositionProvider

from .codemods.query_to_select import QueryToSelect


class QueryDecisions(QueryToSelect):
    """``QueryToSelect``'s decisions (``LEFT_QUERIES``, reports) without its rewriting or its
    traversal: each function is analyzed by the same ``visit_FunctionDef``, in the same order
    (definitions in statement order, as a traversal meets them; only statements can hold a
    ``def``), with the same scopes."""

    def decide(self, tree: cst.Module) -> None:
        self.start(tree)
        self.visit_Module(tree)
        self._statements(tree.body)

    def _statements(self, body: Sequence[cst.CSTNode]) -> None:
        for statement in body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                if isinstance(statement, cst.FunctionDef):
                    self.visit_FunctionDef(statement)
                else:
                    self.visit_ClassDef(statement)
                self._statements(_inner_statements(statement))
                self._pop()
            elif isinstance(statement, cst.BaseCompoundStatement):
                self._statements(_inner_statements(statement))


#: What holds the statements of a compound statement's branches besides its own body.
_BRANCHES = (cst.Else, cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase, cst.If)


def _inner_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements directly in ``node``'s blocks (body, ``elif``/``else``, handlers, cases), in
    source order (field order); a one-line suite (``if x: y``) cannot hold a ``def``."""
    found: list[cst.CSTNode] = []
    for field in fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        for item in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(item, cst.IndentedBlock):
                found.extend(item.body)
            elif isinstance(item, _BRANCHES):
                found.extend(_inner_statements(item))
    return found


class QueryProbe(QueryDecisions):
    """``QueryDecisions`` reading every function as if the plan converted the query it hands back
    (``probing``): what ``returned_queries`` is settled from. Its reports and left queries are
    not used; ``RETURNED_CANDIDATES`` and ``QUERY_USES`` are."""

    probing = True


def name_references(tree: cst.Module, names: frozenset[str], every: bool = False) -> list[tuple[str, int]]:
    """Where ``tree`` mentions one of ``names`` other than as a call analysed inside a function:
    a name or attribute read (``handler = svc.build``), or a call outside a function (module
    level, a class body, a lambda), which ``QueryToSelect`` does not read. A ``def`` of the
    name, an import of it and a keyword argument so named are no mentions. ``every``: calls in functions too (a
    file that is not rewritten). ``[(name, line)]``."""
    found: list[tuple[str, int]] = []
    wrapper = cst.MetadataWrapper(tree, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)

    class _Mentions(cst.CSTVisitor):
        def __init__(self) -> None:
            self.depth = 0  # inside a ``def`` (and no lambda within it)
            self.skip: set[int] = set()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.skip.add(id(node.name))
            self.depth += 1

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            self.depth -= 1

        def visit_Lambda(self, node: cst.Lambda) -> None:
            self.depth -= 10_000

        def leave_Lambda(self, original_node: cst.Lambda) -> None:
            self.depth += 10_000

        def visit_Import(self, node: cst.Import) -> bool:
            return False  # importing it is no use; calls under another name are not read (held)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                self.skip.add(id(node.keyword))

        def visit_Call(self, node: cst.Call) -> None:
            if self.depth > 0 and not every:  # read by the function's analysis
                self.skip.add(id(node.func))
                if isinstance(node.func, cst.Attribute):
                    self.skip.add(id(node.func.attr))

        def visit_Attribute(self, node: cst.Attribute) -> None:
            if id(node) in self.skip:
                return
            self.skip.add(id(node.attr))
            if node.attr.value in names:
                found.append((node.attr.value, positions[node].start.line))

        def visit_Name(self, node: cst.Name) -> None:
            if id(node) not in self.skip and node.value in names:
                found.append((node.value, positions[node].start.line))

    wrapper.module.visit(_Mentions())
    return found
