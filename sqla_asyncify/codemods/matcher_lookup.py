"""libcst's lookup of matcher-decorated methods, done once per class instead of once per instance.

Every ``MatcherDecoratableTransformer``/``Visitor`` (``AddImportsVisitor``, ``RemoveImportsVisitor``
and the gatherers they create on each use) scans ``dir()`` of itself when created, and again on its
first node, for methods carrying ``@m.visit``/``@m.leave``/``@m.call_if_inside`` matchers: three
scans of some 500 attributes, ≈ 20 ms for each queued import applied, more than the visit itself.
None of the classes asyncify uses has such a method. Which attributes carry matchers is a property
of the class, so it is found once per class; a class with none gets the empty mappings the scan
would have built, any other takes libcst's own scan, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst.matchers._visitors as _visitors
from libcst.matchers._decorators import (
    CONSTRUCTED_LEAVE_MATCHER_ATTR,
    CONSTRUCTED_VISIT_MATCHER_ATTR,
    VISIT_NEGATIVE_MATCHER_ATTR,
    VISIT_POSITIVE_MATCHER_ATTR,
)

_ATTRS = (
    CONSTRUCTED_LEAVE_MATCHER_ATTR,
    CONSTRUCTED_VISIT_MATCHER_ATTR,
    VISIT_NEGATIVE_MATCHER_ATTR,
    VISIT_POSITIVE_MATCHER_ATTR,
)

#: Per class: whether any of its attributes carries a matcher (the scan libcst does per instance).
_DECORATED: dict[type, bool] = {}


def _decorated(obj: object) -> bool:
    kind = type(obj)
    found = _DECORATED.get(kind)
    if found is None:
        found = _DECORATED[kind] = any(
            getattr(getattr(obj, name, None), attr, None)
            for name in dir(obj)
            if not _visitors.is_property(obj, name)
            for attr in _ATTRS
        )
    return found


def _once_per_class(scan: Callable[[object], dict[Any, Any]]) -> Callable[[object], dict[Any, Any]]:
    def gather(obj: object) -> dict[Any, Any]:
        return scan(obj) if _decorated(obj) else {}  # a fresh mapping: libcst updates it per instance

    gather.__wrapped__ = scan  # type: ignore[attr-defined]
    return gather


def install() -> None:
    """Route libcst's three scans through the per-class answer (idempotent)."""
    for name in ("_gather_matchers", "_gather_constructed_visit_funcs", "_gather_constructed_leave_funcs"):
        scan = getattr(_visitors, name)
        if not hasattr(scan, "__wrapped__"):
            setattr(_visitors, name, _once_per_class(scan))
