"""Node positions of a tree: libcst's ``PositionProvider`` table, computed faster.

The provider generates the module's code while recording where each node starts and ends; per
token it splits the text on a newline regular expression, and per node it enters a generator-based
context manager. That made positions cost twice a parse, on every relevant file (the index records
a line for every call and definition). Same state, same codegen, same table: the token without a
line break only moves the column, and the context manager is a plain object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import libcst as cst
from libcst._position import CodePosition, CodeRange
from libcst.metadata import PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState


class _Record:
    """``PositionProvidingCodegenState.record_syntactic_position``, without the generator."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: PositionProvidingCodegenState, node: cst.CSTNode, start_node: Any, end_node: Any) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = CodePosition(self.state.line, self.state.column)

    def __exit__(self, *exc: object) -> bool:
        state = self.state
        computed = state.provider._computed
        start = computed[self.start_node].start if self.start_node is not None else self.start
        end = computed[self.end_node].end if self.end_node is not None else CodePosition(state.line, state.column)
        computed[self.node] = CodeRange(start, end)
        return False


class _State(PositionProvidingCodegenState):
    __slots__ = ()

    def _update_position(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            super()._update_position(value)
        else:
            self.column += len(value)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _Record:
        return _Record(self, node, start_node, end_node)


def positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """``PositionProvider``'s table for ``module`` (as ``MetadataWrapper.resolve`` gives it)."""
    provider = PositionProvider()
    state = _State(default_indent=module.default_indent, default_newline=module.default_newline, provider=provider)
    module._codegen(state)
    return provider._computed
