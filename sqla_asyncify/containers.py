"""What a container annotation says its elements are (``tuple[A, B]``, ``list[A]``, ``Iterator[A]``).

A pure function over libcst annotation nodes, used by the index to note, for a parameter and a
function's return, the annotation of each element (``Param.shape``,
``FunctionInfo.returns_shape``). The plan types a value taken out of such a container by it
(``x[0]``, ``a, b = x``, ``for a in x``, ``random.choice(x)``), so a call on the value is
resolved as the element's class's method, awaited where that method becomes async.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from .names import dotted
from .pickling import fast_state

#: ``Shape.kind`` of ``tuple[A, B]``: one item per position.
TUPLE = "tuple"
#: ``Shape.kind`` of ``list[A]``, ``tuple[A, ...]``, ``Sequence[A]``…: one item, what every element is.
EACH = "each"

#: Builtin classes whose subscript names what every element is (a module rebinding them is not checked:
#: a class named ``list`` taking one type argument for something else is not worth the cost).
_BUILTIN_EACH = frozenset({"list", "set", "frozenset"})
_ABC = (
    "Sequence",
    "MutableSequence",
    "AbstractSet",
    "MutableSet",
    "Collection",
    "Iterable",
    "Iterator",
    "Reversible",
    "Generator",  # ``Generator[Y, S, R]``: what it yields is the first argument
    "AsyncIterable",
    "AsyncIterator",
    "AsyncGenerator",
)
#: Library classes whose first type argument is what every element is (iterated, indexed, or yielded).
_EACH_TYPES = frozenset(
    {f"{module}.{name}" for module in ("typing", "typing_extensions", "collections.abc") for name in _ABC}
    | {f"{module}.{name}" for module in ("typing", "typing_extensions") for name in ("List", "Set", "FrozenSet", "Deque")}
    | {"collections.deque"}
)
_TUPLE_TYPES = frozenset({"typing.Tuple", "typing_extensions.Tuple"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


@fast_state
@dataclass(frozen=True, slots=True)
class Shape:
    """An annotation: ``names``, the qualnames in it (as ``Param.annotation``); for a container of
    known elements, ``kind`` (``TUPLE`` or ``EACH``) and ``items``, each element's own shape."""

    names: tuple[str, ...]
    kind: str = ""
    items: tuple[Shape, ...] = ()

    def item(self, position: int | None) -> Shape | None:
        """The shape of the element at ``position`` (None: any element, as ``for x in c`` or
        ``random.choice(c)`` take one); None when it is not known (a position past a tuple's end,
        any element of a tuple whose items differ)."""
        if self.kind == EACH:
            return self.items[0]
        if self.kind != TUPLE or not self.items:
            return None
        if position is None:
            return self.items[0] if all(i == self.items[0] for i in self.items) else None
        return self.items[position] if -len(self.items) <= position < len(self.items) else None


Qualify = Callable[[str], str | None]
NamesIn = Callable[[cst.CSTNode], tuple[str, ...]]


def container_shape(annotation: cst.BaseExpression, imported: Qualify, names_in: NamesIn) -> Shape | None:
    """The shape of ``annotation`` when it is a container of known elements (``Optional`` of one,
    ``X | None``, ``Annotated[X, …]`` and a string annotation looked through), None otherwise.
    ``imported`` maps a dotted name as written to its imported qualname (None: not imported, so a
    builtin's name is itself); ``names_in`` gives an element's qualnames as ``Param.annotation``."""
    shape = _shape(annotation, imported, names_in)
    return shape if shape.kind else None


def _shape(node: cst.BaseExpression, imported: Qualify, names_in: NamesIn) -> Shape:
    return Shape(names_in(node), *_container(_unwrapped(node, imported), imported, names_in))


def _unwrapped(node: cst.BaseExpression, imported: Qualify) -> cst.BaseExpression:
    """``X`` of ``Optional[X]``, ``Union[X, None]``, ``X | None``, ``Annotated[X, …]``, ``"X"``;
    ``node`` itself for anything else."""
    if isinstance(node, cst.SimpleString):
        try:
            parsed = cst.parse_expression(node.evaluated_value)  # type: ignore[arg-type]
        except Exception:
            return node
        return _unwrapped(parsed, imported)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        sides = [s for s in (node.left, node.right) if not _is_none(s)]
        return _unwrapped(sides[0], imported) if len(sides) == 1 else node
    if isinstance(node, cst.Subscript) and (text := dotted(node.value)) is not None:
        qualname = imported(text)
        args = _arguments(node)
        if qualname in _OPTIONAL and len(args) == 1:
            return _unwrapped(args[0], imported)
        if qualname in _ANNOTATED and args:
            return _unwrapped(args[0], imported)
        if qualname in _UNION:
            rest = [a for a in args if not _is_none(a)]
            return _unwrapped(rest[0], imported) if len(rest) == 1 else node
    return node


def _container(node: cst.BaseExpression, imported: Qualify, names_in: NamesIn) -> tuple[str, tuple[Shape, ...]]:
    """``(kind, items)`` of a container annotation, ``("", ())`` for anything else."""
    if not isinstance(node, cst.Subscript) or (text := dotted(node.value)) is None:
        return "", ()
    qualname = imported(text)
    args = _arguments(node)
    if not args:
        return "", ()
    is_tuple = qualname in _TUPLE_TYPES or (qualname is None and text == "tuple")
    if is_tuple and len(args) == 2 and isinstance(args[1], cst.Ellipsis):
        return EACH, (_shape(args[0], imported, names_in),)  # ``tuple[A, ...]``
    if is_tuple:
        if len(args) == 1 and isinstance(args[0], cst.Tuple) and not args[0].elements:
            return TUPLE, ()  # ``tuple[()]``
        return TUPLE, tuple(_shape(a, imported, names_in) for a in args)
    if qualname in _EACH_TYPES or (qualname is None and text in _BUILTIN_EACH):
        return EACH, (_shape(args[0], imported, names_in),)
    return "", ()


def _arguments(node: cst.Subscript) -> list[cst.BaseExpression]:
    """The type arguments of a subscript (``tuple[A, B]`` → ``A``, ``B``); empty when one is a slice."""
    found: list[cst.BaseExpression] = []
    for element in node.slice:
        if not isinstance(element.slice, cst.Index):
            return []
        found.append(element.slice.value)
    return found


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
