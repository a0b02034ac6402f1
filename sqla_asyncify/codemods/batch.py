"""Several transformers in one traversal, as libcst's ``BatchableCSTVisitor`` does for visitors.

A pass costs a full traversal (libcst rebuilds every node it visits); the transformers marked
``BATCHABLE`` that run next to each other share one. Each member keeps its own state and sees
every node as a pass of its own would: its visit hooks top-down (a ``False`` from one skips the
subtree for that member only), its leave hooks bottom-up, chained in registry order — a member's
``updated_node`` is what the members before it made of the node. Members read the plan and the
original nodes (and metadata of the tree the batch started from), never what an earlier member of
the batch wrote; that is the condition for being ``BATCHABLE`` (``codemods/__init__.py``).

When a member replaces a node with one of another type (or removes it) while a later member is
still to see that node, a pass of its own would have shown the later member the new subtree: the
batch gives up (``Unbatchable``) and ``rewrite.py`` runs the members one by one instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst

from ..dispatch import _unchanged
from .base import AsyncifyCodemod


class Unbatchable(Exception):
    """The members cannot share this traversal and keep the output of separate passes."""


class BatchedTransformers(cst.CSTTransformer):
    """Run ``members`` (fresh ``AsyncifyCodemod`` instances, in order) in one traversal."""

    def __init__(self, members: Sequence[AsyncifyCodemod]) -> None:
        super().__init__()
        self.members = list(members)
        #: Per member: the node whose visit returned False (its subtree is skipped), else None.
        self._skipping: list[cst.CSTNode | None] = [None] * len(self.members)
        self._leaves: dict[type, list[Callable[..., Any] | None]] = {}

    def _leave_hooks(self, kind: type) -> list[Callable[..., Any] | None]:
        found = self._leaves.get(kind)
        if found is None:
            found = self._leaves[kind] = [m._method(type(m)._LEAVE, "leave_", kind) for m in self.members]
        return found

    def on_visit(self, node: cst.CSTNode) -> bool:
        skipping = self._skipping
        for i, member in enumerate(self.members):
            if skipping[i] is None and not member.on_visit(node):
                skipping[i] = node
        return any(at is None for at in skipping)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        if updated_node is not original_node and _unchanged(original_node, updated_node):
            updated_node = original_node
        kind = type(original_node)
        hooks = self._leave_hooks(kind)
        skipping = self._skipping
        result: Any = updated_node
        for i, member in enumerate(self.members):
            at = skipping[i]
            if at is not None:
                if at is not original_node:
                    continue  # inside a subtree this member skips
                skipping[i] = None  # libcst still calls leave on the node whose visit said False
            if type(result) is not kind:
                # An earlier member replaced the node (or removed it): in a pass of its own, this
                # one would have visited the replacement.
                raise Unbatchable(f"{type(member).__name__} after a replaced {kind.__name__}")
            hook = hooks[i]
            if hook is not None:
                if result is not original_node and _unchanged(original_node, result):
                    result = original_node  # as the member's own pass would hand it (dispatch.py)
                result = hook(member, original_node, result)
        return result

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass
