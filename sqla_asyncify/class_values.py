"""Which names hold a class: in a legacy query's select list, an ORM entity (rules §2.0 Rule S).

``db.query(X)`` with ``X`` a class selects the entity ``X``: a class that is not mapped cannot be
queried at all. So wherever the code shows that a name or ``self.attribute`` holds *a class*, its
kind in a select list is known even when the class itself is not: generic CRUD over model classes
(``self.model: Type[ModelType]``, ``def __init__(self, model: Type[M])``, ``self.db_model(**data)``).
Each of these is evidence on its own:

* an annotation ``Type[...]`` / ``type[...]`` (also quoted), or ``DeclarativeMeta`` (the metaclass
  of declarative classes, under any import alias), on a parameter, a class attribute or ``self.x``;
* ``self.x = p`` in a method whose parameter ``p`` has such an annotation;
* ``self.x(k=v, **data)``: called with keyword arguments only, as a constructor is;
* ``self.x.__table__`` / ``__tablename__`` / ``__mapper__``: only mapped classes have them.

Pure analysis over libcst nodes; the transformers decide what to do with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .names import dotted

_TYPE_OF = frozenset(
    {"Type", "type", "typing.Type", "t.Type", "typing_extensions.Type"}
)
_DECLARATIVE_META_MODULES = frozenset(
    {"sqlalchemy.orm", "sqlalchemy.ext.declarative", "sqlalchemy.orm.decl_api"}
)
_MAPPED_CLASS_ATTRIBUTES = frozenset({"__table__", "__tablename__", "__mapper__"})


def metaclass_aliases(module: cst.Module) -> frozenset[str]:
    """Names bound to SQLAlchemy's ``DeclarativeMeta`` by module-level imports of ``module`` (also
    inside ``try:``/``if`` blocks)."""
    names = {f"{mod}.DeclarativeMeta" for mod in _DECLARATIVE_META_MODULES}
    for imp in _module_imports(module.body):
        if imp.relative or imp.module is None or dotted(imp.module) not in _DECLARATIVE_META_MODULES:
            continue
        if isinstance(imp.names, cst.ImportStar):
            names.add("DeclarativeMeta")
            continue
        for alias in imp.names:
            if dotted(alias.name) == "DeclarativeMeta":
                bound = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(bound, cst.Name):
                    names.add(bound.value)
    return frozenset(names)


def _module_imports(body: Sequence[cst.CSTNode]) -> list[cst.ImportFrom]:
    found: list[cst.ImportFrom] = []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            found += [small for small in stmt.body if isinstance(small, cst.ImportFrom)]
        elif isinstance(stmt, (cst.Try, cst.If)):
            blocks: list[cst.BaseSuite] = [stmt.body]
            if isinstance(stmt, cst.Try):
                blocks += [h.body for h in stmt.handlers]
            elif stmt.orelse is not None:
                blocks.append(stmt.orelse.body)
            for block in blocks:
                if isinstance(block, cst.IndentedBlock):
                    found += _module_imports(block.body)
    return found


def is_class_annotation(node: cst.BaseExpression, metaclasses: frozenset[str]) -> bool:
    """``Type[X]``, ``type[X]``, ``"Type[X]"`` or a declarative metaclass: the value is a class."""
    if isinstance(node, cst.SimpleString):
        try:
            return is_class_annotation(
                cst.parse_expression(node.evaluated_value), metaclasses
            )
        except (cst.ParserSyntaxError, UnicodeDecodeError, ValueError):
            return False
    if isinstance(node, cst.Subscript):
        return dotted(node.value) in _TYPE_OF
    return dotted(node) in metaclasses


def class_valued(
    module: cst.Module,
    scopes: Sequence[cst.CSTNode],
    metaclasses: frozenset[str],
    cache: dict[int, set[str]] | None = None,
) -> set[str]:
    """Dotted names (``model``, ``self.model``) that hold a class inside the last of ``scopes``.

    ``scopes`` are the enclosing ``FunctionDef``/``ClassDef`` nodes, outermost first, ending with the
    function being analysed. A parameter counts in the function that declares it and in the
    functions nested in it, unless one of those rebinds the name. ``cache`` (by node, for one tree)
    spares re-reading a class for each of its methods.
    """
    found: set[str] = set()
    hidden: set[str] = set()  # names bound by a more inner function
    functions = [s for s in scopes if isinstance(s, cst.FunctionDef)]
    for fn in reversed(functions):
        rebound = _assigned_names(fn)
        for param in _params(fn):
            name = param.name.value
            if name in hidden:
                continue
            if (
                param.annotation is not None
                and name not in rebound
                and is_class_annotation(param.annotation.annotation, metaclasses)
            ):
                found.add(name)
        hidden |= {p.name.value for p in _params(fn)} | rebound
    method, cls = _method_and_class(scopes)
    if method is not None and cls is not None and _params(method):
        self_name = _params(method)[0].name.value
        inner = functions[functions.index(method) + 1 :]
        rebound = _assigned_names(method).union(
            *(_assigned_names(f) | {p.name.value for p in _params(f)} for f in inner)
        )
        if self_name not in rebound:
            attrs = cache.get(id(cls)) if cache is not None else None
            if attrs is None:
                attrs = class_attributes(cls, metaclasses)
                if cache is not None:
                    cache[id(cls)] = attrs
            found |= {f"{self_name}.{attr}" for attr in attrs}
    return found


def class_attributes(cls: cst.ClassDef, metaclasses: frozenset[str]) -> set[str]:
    """Attributes ``x`` of ``cls`` such that ``self.x`` holds a class (never one of its methods)."""
    methods = {s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)}
    attrs: set[str] = set()
    for stmt in cls.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and is_class_annotation(small.annotation.annotation, metaclasses)
                ):
                    attrs.add(small.target.value)
    for method in (s for s in cls.body.body if isinstance(s, cst.FunctionDef)):
        params = _params(method)
        if not params:
            continue
        self_name = params[0].name.value
        typed = {
            p.name.value
            for p in params[1:]
            if p.annotation is not None
            and is_class_annotation(p.annotation.annotation, metaclasses)
        }
        attrs |= _self_evidence(method, self_name, typed, metaclasses)
    return attrs - methods


def _self_evidence(
    method: cst.FunctionDef,
    self_name: str,
    typed: set[str],
    metaclasses: frozenset[str],
) -> set[str]:
    attrs: set[str] = set()

    def self_attr(node: cst.BaseExpression) -> str | None:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == self_name
        ):
            return node.attr.value
        return None

    for node in _Collect.of(method.body).nodes:
        if isinstance(node, cst.AnnAssign):
            attr = self_attr(node.target)
            if attr is not None and is_class_annotation(node.annotation.annotation, metaclasses):
                attrs.add(attr)
        elif isinstance(node, cst.Assign):
            if isinstance(node.value, cst.Name) and node.value.value in typed:
                attrs |= {a for t in node.targets if (a := self_attr(t.target)) is not None}
        elif isinstance(node, cst.Call):
            attr = self_attr(node.func)
            if attr is not None and node.args and all(a.keyword is not None or a.star == "**" for a in node.args):
                attrs.add(attr)
        elif isinstance(node, cst.Attribute) and node.attr.value in _MAPPED_CLASS_ATTRIBUTES:
            attr = self_attr(node.value)
            if attr is not None:
                attrs.add(attr)
    return attrs


def _params(fn: cst.FunctionDef) -> list[cst.Param]:
    p = fn.params
    return [*p.posonly_params, *p.params, *p.kwonly_params]


def _assigned_names(fn: cst.FunctionDef) -> set[str]:
    """Names ``fn``'s own body (and nested bodies: conservative) assigns to."""
    return _Collect.of(fn.body).assigned


class _Collect(cst.CSTVisitor):
    """One walk of a body: its assignments, calls and attributes, and the names it assigns
    (matchers' ``findall`` costs several walks)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []
        self.assigned: set[str] = set()

    @classmethod
    def of(cls, body: cst.CSTNode) -> _Collect:
        found = cls()
        body.visit(found)
        return found

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.nodes.append(node)
        if isinstance(node.target, cst.Name):
            self.assigned.add(node.target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.nodes.append(node)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Name):
            self.assigned.add(node.target.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.assigned.add(node.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.nodes.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.nodes.append(node)


def _method_and_class(
    scopes: Sequence[cst.CSTNode],
) -> tuple[cst.FunctionDef | None, cst.ClassDef | None]:
    """The innermost function defined directly in a class body, and that class."""
    for i in range(len(scopes) - 1, 0, -1):
        if isinstance(scopes[i], cst.FunctionDef) and isinstance(
            scopes[i - 1], cst.ClassDef
        ):
            fn = cst.ensure_type(scopes[i], cst.FunctionDef)
            if any(dotted(d.decorator) == "staticmethod" for d in fn.decorators):
                return None, None
            return fn, cst.ensure_type(scopes[i - 1], cst.ClassDef)
    return None, None
