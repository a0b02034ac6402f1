"""Naming shared by analysis and rewriting: module names, function qualnames, and call targets.

The index and every transformer must name a function and describe a call the same way, or the plan
and the rewrite disagree. This module is that one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from pathlib import Path

import libcst as cst

from .pickling import fast_state


def module_name_for(path: Path) -> str:
    """The dotted module name Python would import ``path`` as (packages found by ``__init__.py``)."""
    path = path.resolve()
    parts = [] if path.stem == "__init__" else [path.stem]
    parent = path.parent
    while (parent / "__init__.py").exists():
        parts.insert(0, parent.name)
        if parent.parent == parent:
            break
        parent = parent.parent
    return ".".join(parts) or path.parent.name


def is_package_init(path: Path) -> bool:
    return path.name == "__init__.py"


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Absolute module for ``from <.level><target> import …`` written inside ``module``."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
    if target:
        base = base + target.split(".")
    return ".".join(base)


def target_names(target: cst.CSTNode | None) -> list[str]:
    """Names an assignment (or ``for``, ``with … as``, ``except … as``) target rebinds, through
    tuples, lists and starred elements; not the objects of ``obj.x = ...`` / ``obj[k] = ...``."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of plain names and attributes, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted(node.value)
        return None if inner is None else f"{inner}.{node.attr.value}"
    return None


#: The ``Callee`` path element of a subscript (``Repo[User]``): no attribute can be named so.
SUBSCRIPT = "[]"

_Frozen = TypeVar("_Frozen")
#: Equal frozen index values, one object each (bounded: cleared when full). A module's index names
#: the same callee and parameter many times; shared, each is pickled once per index and unpickled
#: once on a warm run (a third fewer objects to load on the dense benchmark corpus).
_INTERNED: dict[Any, Any] = {}


def interned(value: _Frozen) -> _Frozen:
    """The one object equal to ``value`` (a frozen, hashable index value)."""
    if len(_INTERNED) >= 1 << 16:
        _INTERNED.clear()
    return _INTERNED.setdefault(value, value)  # type: ignore[no-any-return]


@fast_state
@dataclass(frozen=True, slots=True)
class Callee:
    """How an expression names its target before resolution: ``root.path[0].path[1]…``.

    ``f`` → ("f", ()); ``self.db.commit`` → ("self", ("db", "commit")); ``crud.get_user`` →
    ("crud", ("get_user",)); ``UserService(db).rename`` → ("UserService", ("rename",), calls=(0,)):
    ``calls`` lists the path lengths after which the expression so far is called. The plan
    resolves the root against locals, the module and imports.

    A subscript that is called is the path element ``SUBSCRIPT`` (``of_func`` for a call's own func):
    ``Repo[User](db).get`` → ("Repo", ("[]", "get"), calls=(1,)), so a generic class's
    instantiation names its class (the plan resolves ``[]`` on a class only). A subscript inside an
    attribute chain (``items[0].save``) names nothing, as before.
    """

    root: str
    path: tuple[str, ...] = ()
    calls: tuple[int, ...] = ()

    @classmethod
    def of(cls, node: cst.BaseExpression) -> Callee | None:
        """What ``node`` names, one shared object per value (``interned``)."""
        found = cls._of(node)
        return None if found is None else interned(found)

    @classmethod
    def of_func(cls, func: cst.BaseExpression) -> Callee | None:
        """What a call's ``func`` names: as ``of``, and a subscripted class called (``Repo[User]``
        in ``Repo[User](db)``). A subscript not called (``Dep = Annotated[...]``) names nothing."""
        found = cls._subscripted(func) if isinstance(func, cst.Subscript) else cls._of(func)
        return None if found is None else interned(found)

    @classmethod
    def _subscripted(cls, node: cst.Subscript) -> Callee | None:
        inner = cls._of(node.value)
        return None if inner is None else cls(inner.root, (*inner.path, SUBSCRIPT), inner.calls)

    @classmethod
    def _of(cls, node: cst.BaseExpression) -> Callee | None:
        if isinstance(node, cst.Name):
            return cls(node.value)
        if isinstance(node, cst.Attribute):
            inner = cls._of(node.value)
            return None if inner is None else cls(inner.root, (*inner.path, node.attr.value), inner.calls)
        if isinstance(node, cst.Call):
            inner = cls._subscripted(node.func) if isinstance(node.func, cst.Subscript) else cls._of(node.func)
            if inner is None or len(inner.path) in inner.calls:
                return None  # ``f()()``: nothing to resolve
            return cls(inner.root, inner.path, (*inner.calls, len(inner.path)))
        return None

    def prefix(self, length: int) -> Callee:
        """The first ``length`` path elements, with the calls among them."""
        return Callee(self.root, self.path[:length], tuple(c for c in self.calls if c <= length))

    def __str__(self) -> str:
        text = self.root + ("()" if 0 in self.calls else "")
        for i, attr in enumerate(self.path, 1):
            text += ("[...]" if attr == SUBSCRIPT else f".{attr}") + ("()" if i in self.calls else "")
        return text


class QualnameTracker:
    """Mixin for visitors and transformers: the qualname of the scope being visited.

    Functions nest as ``module.Class.method`` and ``module.outer.inner``; lambdas are
    ``<lambda>`` scopes that can never be async.
    """

    module_name: str

    def _scope_init(self, module_name: str) -> None:
        self.module_name = module_name
        self._scopes: list[tuple[str, str]] = []  # (kind, qualname)
        self._lambdas = 0

    @property
    def scope_qualname(self) -> str:
        return self._scopes[-1][1] if self._scopes else self.module_name

    @property
    def scope_kind(self) -> str:
        """"module", "class", "function" or "lambda"."""
        return self._scopes[-1][0] if self._scopes else "module"

    @property
    def function_qualname(self) -> str | None:
        """The innermost enclosing ``def`` (None at module or class level, or inside a lambda)."""
        for kind, qualname in reversed(self._scopes):
            if kind == "function":
                return qualname
            if kind == "lambda":
                return None
        return None

    @property
    def context_qualname(self) -> str:
        """The innermost function or lambda, or ``module.<module>`` for module-level code."""
        for kind, qualname in reversed(self._scopes):
            if kind in ("function", "lambda"):
                return qualname
        return f"{self.module_name}.<module>"

    def _push(self, kind: str, name: str) -> None:
        if kind == "lambda":
            # Lambdas are numbered in visit order, which index and transformers share.
            self._lambdas += 1
            name = f"<lambda{self._lambdas}>"
        self._scopes.append((kind, f"{self.scope_qualname}.{name}"))

    def _pop(self) -> None:
        self._scopes.pop()
