"""Read-only walks over a libcst tree, without libcst's traversal.

``node.visit(visitor)`` rebuilds every node it passes, even for a visitor that only reads (libcst's
own TODO: "provide traversal where children are not replaced"): a whole-module search costs about
a parse. Where the order of the nodes found does not matter (collecting names, testing whether a
node occurs), these walks follow the node fields instead, at a fraction of that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields

import libcst as cst

#: Node type → its fields that can hold a node or a sequence of nodes.
_FIELDS: dict[type, tuple[str, ...]] = {}
#: Type of a field value → whether it is a node (``isinstance`` on libcst's abstract base is slow).
_IS_NODE: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    found = _IS_NODE.get(kind)
    if found is None:
        found = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return found


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node below it (what a visitor visits), in no particular order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        kind = type(current)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in fields(current))  # type: ignore[arg-type]
        for name in names:
            value = getattr(current, name)
            kind = type(value)
            if kind is tuple or kind is list:
                stack.extend(item for item in value if _is_node(type(item)))
            elif _is_node(kind):
                stack.append(value)


def walk_in_order(node: cst.CSTNode, enter: Callable[[cst.CSTNode], bool]) -> None:
    """Call ``enter`` on ``node`` and every node below it, parents first and children in field
    order (for statements, source order); a False from ``enter`` skips the node's children."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not enter(current):
            continue
        kind = type(current)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in fields(current))  # type: ignore[arg-type]
        children: list[cst.CSTNode] = []
        for name in names:
            value = getattr(current, name)
            kind = type(value)
            if kind is tuple or kind is list:
                children.extend(item for item in value if _is_node(type(item)))
            elif _is_node(kind):
                children.append(value)
        children.reverse()
        stack.extend(children)


def find_all(node: cst.CSTNode, predicate: Callable[[cst.CSTNode], bool]) -> list[cst.CSTNode]:
    """The nodes at or below ``node`` for which ``predicate`` holds, in no particular order."""
    return [n for n in descendants(node) if predicate(n)]


def contains(node: cst.CSTNode, predicate: Callable[[cst.CSTNode], bool]) -> bool:
    return any(predicate(n) for n in descendants(node))


def parents(node: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode] | None:
    """Child → parent for every node below ``node``; None when a node object occurs twice in the
    tree (a transformer may reuse one), where the parent a traversal records depends on its order."""
    found: dict[cst.CSTNode, cst.CSTNode] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in fields(current))  # type: ignore[arg-type]
        for name in names:
            value = getattr(current, name)
            kind = type(value)
            if kind is tuple or kind is list:
                children = [item for item in value if _is_node(type(item))]
            elif _is_node(kind):
                children = [value]
            else:
                continue
            for child in children:
                if child in found:
                    return None
                found[child] = current
            stack.extend(children)
    return found
