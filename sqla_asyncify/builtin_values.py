"""Which builtin type an expression or annotation provably denotes (``dict``, ``list``, ``str``…).

Pure functions over libcst nodes, used by the index to note, for every name a function stores to,
whether that value is provably a builtin (``FunctionInfo.stores``, ``Param.builtin``): a method
called on such a value (``data.update(...)``, ``params.items()``) is the builtin's, never one of
the project's methods made async, so the plan need not await it "if it returns a coroutine".

A kind is a plain label: a builtin class name as written (``"dict"``; the plan checks the module
does not rebind it), a qualname from ``collections``/``typing``, or one of the labels below for a
value that is a builtin whatever its exact class (``"literal"``: a string or number literal, or a
method of one; ``"loads"``: what a parser of JSON/YAML/query strings returns;
``"method:<name>"``: what a library method of that name returns, provided no project function
is so named; ``"returns:<callee>"``: what the project function called so returns, when its return
annotation names a builtin, the plan resolving the callee). ``""``: not provable.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from .names import dotted

#: Builtin classes whose constructor call or annotation proves the value (module rebinding checked by the plan).
BUILTIN_CLASSES = frozenset(
    {"dict", "list", "set", "frozenset", "tuple", "str", "bytes", "bytearray", "int", "float", "bool", "sorted"}
)

#: ``collections`` classes: instances of these (or, as annotations, the ``typing`` aliases) are builtins' kin.
COLLECTION_CLASSES = frozenset(
    {"collections.defaultdict", "collections.OrderedDict", "collections.Counter", "collections.deque"}
)
TYPING_ALIASES = frozenset(
    {
        "typing.Dict",
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Tuple",
        "typing.DefaultDict",
        "typing.OrderedDict",
        "typing.Counter",
        "typing.Deque",
    }
)

#: Library functions returning only builtins (dicts, lists, strings, numbers, None).
LOADERS = frozenset({"json.loads", "json.load", "yaml.safe_load", "urllib.parse.parse_qs", "urllib.parse.parse_qsl"})

#: Methods that return a ``dict`` in the library defining them (pydantic's ``model_dump``): a
#: project function of the same name voids the proof (the plan checks).
DICT_METHODS = frozenset({"model_dump"})

LITERAL = "literal"
LOADS = "loads"
METHOD_PREFIX = "method:"
RETURNS_PREFIX = "returns:"


def settled(kind: str) -> str:
    """``kind`` when it needs no check by the plan: an operand other than the first of an
    operation is not kept, so it could not be checked."""
    return "" if kind.startswith((METHOD_PREFIX, RETURNS_PREFIX)) else kind

Qualify = Callable[[str], str | None]


def value_kind(value: cst.BaseExpression, qualify: Qualify) -> str:
    """The builtin kind ``value`` provably has, ``""`` when not provable. ``qualify`` maps a
    dotted name as written to its imported qualname, None for a name not imported."""
    if isinstance(value, cst.Dict | cst.DictComp):
        return "dict"
    if isinstance(value, cst.List | cst.ListComp):
        return "list"
    if isinstance(value, cst.Set | cst.SetComp):
        return "set"
    if isinstance(value, cst.Tuple):
        return "tuple"
    if isinstance(value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString | cst.Integer | cst.Float | cst.Imaginary):
        return LITERAL
    if isinstance(value, cst.BinaryOperation):
        left = value_kind(value.left, qualify)
        if left == LITERAL and isinstance(value.operator, cst.Modulo):
            return LITERAL  # ``"%s" % x``
        return left if left and settled(value_kind(value.right, qualify)) else ""
    if isinstance(value, cst.IfExp):
        body = value_kind(value.body, qualify)
        return body if body and settled(value_kind(value.orelse, qualify)) else ""
    if isinstance(value, cst.Call):
        return _call_kind(value, qualify)
    return ""


def _call_kind(call: cst.Call, qualify: Qualify) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        if value_kind(func.value, qualify) == LITERAL:
            return LITERAL  # ``", ".join(xs)``: a ``str`` method returns builtins
        if func.attr.value in DICT_METHODS:
            return METHOD_PREFIX + func.attr.value
    text = dotted(func)
    if text is None:
        return ""
    qualname = qualify(text)
    if qualname is None and text in BUILTIN_CLASSES:
        return text
    if qualname in COLLECTION_CLASSES:
        return qualname
    return LOADS if qualname in LOADERS else RETURNS_PREFIX + text


def annotation_kind(annotation: cst.BaseExpression, qualify: Qualify) -> str:
    """The builtin kind an annotation names (``dict[str, Any]``, ``Dict``, ``set[int]``,
    ``defaultdict[...]``), ``""`` for anything else (a union, ``Any``, ``Mapping``: another
    class may stand there)."""
    head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    text = dotted(head)
    if text is None:
        return ""
    qualname = qualify(text)
    if qualname is None:
        return text if text in BUILTIN_CLASSES - {"sorted"} else ""
    return qualname if qualname in COLLECTION_CLASSES | TYPING_ALIASES else ""
