"""Planning's left-query pass without a rewrite: ``QueryToSelect``'s decisions alone.

The pipeline holds sync a function the plan would make async but whose legacy query
``query-to-select`` cannot convert (``pipeline._left_queries``). Those decisions are made in the
transformer's ``visit_FunctionDef``, from the original nodes; transforming the whole module to
read them cost a traversal, the rendering of every converted chain and, after it, add-awaits.
Where add-awaits can find nothing (no generator expression), this reads the decisions alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

import libcst as cst

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
