"""Closed class lookups in one function: a local dict of classes used only to pick one and call it.

    table = {"csv": CsvImporter, "plain": Importer}   # every value a name or attribute chain
    constructor = table.get(kind)                     # or table[kind]; or table[kind](...) directly
    if constructor is None: ...                       # a test of the picked value is allowed
    constructor(repo=repo)                            # the only other use: calling it

Every call that builds from such a table is known statically, so a constructor made async can be
awaited there (``await constructor.create(...)``, ``async_factory``). The table is closed when its
name is bound once (to the dict literal) and every other use is a lookup whose value is called at
once or bound once to a local name whose every other use is a call or a test (``is None``,
``is not None``, ``not v``, ``if v``); anything else (the table or the value handed on, returned,
stored, read twice under another name) leaves it open and it is not recorded.

Shared by the index (what the plan decides from) and the rewrite (which calls to change), so the
two agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from .names import dotted


@dataclass(frozen=True, slots=True)
class ClassLookup:
    """A closed table: its name, its values as written, the local names bound to a picked value."""

    table: str
    values: tuple[str, ...]
    picked: tuple[str, ...]


class _Uses(cst.CSTVisitor):
    """Every ``Name`` in a function body with its ancestors (nearest last), and the names stored."""

    def __init__(self) -> None:
        self.stack: list[cst.CSTNode] = []
        self.names: list[tuple[cst.Name, tuple[cst.CSTNode, ...]]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name):
            self.names.append((node, tuple(self.stack[-3:])))
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()


def _dict_of_names(value: cst.BaseExpression | None) -> tuple[str, ...] | None:
    if not isinstance(value, cst.Dict) or not value.elements:
        return None
    found = []
    for element in value.elements:
        if not isinstance(element, cst.DictElement):
            return None
        text = dotted(element.value) if isinstance(element.value, (cst.Name, cst.Attribute)) else None
        if text is None:
            return None
        found.append(text)
    return tuple(found)


def _is_test(name: cst.Name, ancestors: tuple[cst.CSTNode, ...]) -> bool:
    """``v is None`` / ``v is not None`` / ``not v`` / ``if v:``."""
    parent = ancestors[-1] if ancestors else None
    if isinstance(parent, cst.Comparison) and parent.left is name and len(parent.comparisons) == 1:
        target = parent.comparisons[0]
        return isinstance(target.operator, (cst.Is, cst.IsNot)) and isinstance(target.comparator, cst.Name) and target.comparator.value == "None"
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True
    return isinstance(parent, cst.If) and parent.test is name


def _called(node: cst.CSTNode, parent: cst.CSTNode | None) -> bool:
    return isinstance(parent, cst.Call) and parent.func is node


def class_lookups(body: cst.CSTNode) -> tuple[ClassLookup, ...]:
    """The closed class tables bound in ``body`` (a function), in order of their names."""
    tables: dict[str, tuple[str, ...]] = {}
    stores: dict[str, int] = {}
    picks: dict[int, str] = {}  # id of a lookup expression → its table
    for statement in _statements(body):
        for target, value in _assignments(statement):
            stores[target] = stores.get(target, 0) + 1
            values = _dict_of_names(value)
            if values is not None:
                tables[target] = values
    uses = _Uses()
    body.visit(uses)
    open_: set[str] = set()
    picked: dict[str, set[str]] = {}
    targets = {id(t) for s in _statements(body) for t in _target_names(s)}
    for table in tables:
        if stores.get(table) != 1:
            open_.add(table)
    bound_to: dict[int, str] = {}  # id of an assigned value → the single name it is bound to
    for statement in _statements(body):
        for target, value in _assignments(statement):
            if value is not None:
                bound_to[id(value)] = target
    for name, ancestors in uses.names:
        if name.value not in tables or id(name) in targets:
            continue
        lookup = _lookup(name, ancestors)
        if lookup is None:
            open_.add(name.value)
            continue
        picks[id(lookup)] = name.value
        if id(lookup) in bound_to:
            picked.setdefault(name.value, set()).add(bound_to[id(lookup)])
        else:
            at = next(i for i, a in enumerate(ancestors) if a is lookup)
            if not (at > 0 and _called(lookup, ancestors[at - 1])):
                open_.add(name.value)  # ``T[k]`` neither called at once nor bound to a name
    found = []
    for table, values in sorted(tables.items()):
        if table in open_:
            continue
        names = picked.get(table, set())
        if any(stores.get(v) != 1 or v in tables or not _only_called_or_tested(v, uses, targets) for v in names):
            continue
        found.append(ClassLookup(table, values, tuple(sorted(names))))
    return tuple(found)


def _lookup(name: cst.Name, ancestors: tuple[cst.CSTNode, ...]) -> cst.CSTNode | None:
    parent = ancestors[-1] if ancestors else None
    if isinstance(parent, cst.Subscript) and parent.value is name:
        return parent
    if (
        isinstance(parent, cst.Attribute)
        and parent.value is name
        and parent.attr.value == "get"
        and len(ancestors) >= 2
        and _called(parent, ancestors[-2])
        and _no_default(ancestors[-2])
    ):
        return ancestors[-2]
    return None


def _no_default(call: cst.CSTNode) -> bool:
    """``T.get(k)`` or ``T.get(k, None)``: a miss gives ``None``, never another class."""
    assert isinstance(call, cst.Call)
    args = call.args
    return len(args) == 1 or (
        len(args) == 2 and isinstance(args[1].value, cst.Name) and args[1].value.value == "None" and not args[1].keyword
    )


def _only_called_or_tested(name: str, uses: _Uses, targets: set[int]) -> bool:
    for node, ancestors in uses.names:
        if node.value != name or id(node) in targets:
            continue
        parent = ancestors[-1] if ancestors else None
        if not (_called(node, parent) or _is_test(node, ancestors)):
            return False
    return True


def _statements(body: cst.CSTNode) -> list[cst.BaseSmallStatement]:
    found: list[cst.BaseSmallStatement] = []

    class _Collect(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            found.append(node)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            found.append(node)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            found.append(node)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            found.append(node)  # type: ignore[arg-type]

        def visit_For(self, node: cst.For) -> None:
            found.append(node)  # type: ignore[arg-type]

        def visit_AsName(self, node: cst.AsName) -> None:
            found.append(node)  # type: ignore[arg-type]

        def visit_Del(self, node: cst.Del) -> None:
            found.append(node)

    body.visit(_Collect())
    return found


def _target_names(statement: cst.CSTNode) -> list[cst.Name]:
    """The names a statement stores (tuple targets unpacked; attribute/subscript targets ignored)."""
    if isinstance(statement, cst.Assign):
        raw: list[cst.BaseExpression] = [t.target for t in statement.targets]
    elif isinstance(statement, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For)):
        raw = [statement.target]
    elif isinstance(statement, cst.AsName):
        raw = [statement.name] if isinstance(statement.name, cst.BaseExpression) else []
    elif isinstance(statement, cst.Del):
        raw = [statement.target]
    else:
        raw = []
    names: list[cst.Name] = []
    while raw:
        target = raw.pop()
        if isinstance(target, cst.Name):
            names.append(target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            raw.extend(e.value for e in target.elements)
        elif isinstance(target, cst.StarredElement):
            raw.append(target.value)
    return names


def _assignments(statement: cst.CSTNode) -> list[tuple[str, cst.BaseExpression | None]]:
    """(name stored, the value bound to it when it is bound whole by ``=``) for each stored name."""
    names = _target_names(statement)
    whole = (
        isinstance(statement, cst.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0].target, cst.Name)
    ) or (isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name))
    value = getattr(statement, "value", None) if whole else None
    return [(n.value, value) for n in names]


def lookup_calls(body: cst.CSTNode, lookups: tuple[ClassLookup, ...]) -> dict[int, ClassLookup]:
    """id of each call in ``body`` that builds from a closed table (``v(...)``, ``T[k](...)``,
    ``T.get(k)(...)``) → its table."""
    by_name = {name: lookup for lookup in lookups for name in (lookup.table, *lookup.picked)}
    found: dict[int, ClassLookup] = {}

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if isinstance(func, cst.Name) and func.value in by_name and func.value != by_name[func.value].table:
                found[id(node)] = by_name[func.value]
            elif isinstance(func, cst.Subscript) and isinstance(func.value, cst.Name) and func.value.value in by_name:
                found[id(node)] = by_name[func.value.value]
            elif (
                isinstance(func, cst.Call)
                and isinstance(func.func, cst.Attribute)
                and func.func.attr.value == "get"
                and isinstance(func.func.value, cst.Name)
                and func.func.value.value in by_name
                and by_name[func.func.value.value].table == func.func.value.value
            ):
                found[id(node)] = by_name[func.func.value.value]

    body.visit(_Calls())
    return found
