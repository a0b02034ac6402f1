"""Cheaper node dispatch for libcst visitors and transformers.

libcst looks up ``visit_<Type>`` / ``leave_<Type>`` with an f-string and ``getattr`` for every
node, and ``visit_<Type>_<attribute>`` for every child attribute of every node: most of a pass's
cost when a visitor handles a few node types. These mixins look each method up once per class
and node type, and skip attribute hooks (asyncify defines none; a class that did would fail at
import).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, ClassVar

import libcst as cst


class _Tables:
    _VISIT: ClassVar[dict[type, Callable[..., Any] | None]] = {}
    _LEAVE: ClassVar[dict[type, Callable[..., Any] | None]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._VISIT, cls._LEAVE = {}, {}
        hooks = [
            name
            for name in vars(cls)
            if name.startswith(("visit_", "leave_")) and name.count("_") > 1 and name.split("_")[1][:1].isupper()
        ]
        if hooks:
            raise TypeError(f"{cls.__name__}: attribute hooks are not dispatched: {hooks}")

    def _method(self, table: dict[type, Callable[..., Any] | None], prefix: str, kind: type) -> Callable[..., Any] | None:
        """``visit_<Type>``/``leave_<Type>`` of this class for node type ``kind`` (None: no hook)."""
        try:
            return table[kind]
        except KeyError:
            found = table[kind] = getattr(type(self), f"{prefix}{kind.__name__}", None)
            return found

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit = self._method(type(self)._VISIT, "visit_", type(node))
        return visit is None or visit(self, node) is not False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass


class VisitorDispatch(_Tables):
    """Mix in before ``cst.CSTVisitor``."""

    def on_leave(self, original_node: cst.CSTNode) -> None:
        leave = self._method(type(self)._LEAVE, "leave_", type(original_node))
        if leave is not None:
            leave(self, original_node)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _unchanged(original: cst.CSTNode, updated: cst.CSTNode) -> bool:
    """Whether ``updated`` is ``original`` rebuilt from the very same children (libcst rebuilds
    every node it visits, changed or not)."""
    kind = type(original)
    if type(updated) is not kind:
        return False
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind))  # type: ignore[arg-type]
    for name in names:
        a, b = getattr(original, name), getattr(updated, name)
        if a is b:
            continue
        if type(a) is not type(b) or not isinstance(a, (tuple, list)) or len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if x is not y:
                return False
    return True


class TransformerDispatch(_Tables):
    """Mix in before ``cst.CSTTransformer``. A node nothing changed below comes back as the
    original object, so an untouched tree stays the same object (and its metadata stays valid for
    the next pass, see ``codemods/metadata.py``)."""

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        if updated_node is not original_node and _unchanged(original_node, updated_node):
            updated_node = original_node
        leave = self._method(type(self)._LEAVE, "leave_", type(original_node))
        return updated_node if leave is None else leave(self, original_node, updated_node)
