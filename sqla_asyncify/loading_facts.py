"""Per-module facts about relationship loading: which objects each function reads through which
attributes, and where those objects come from (the index side of ``loading.py``).

Pure data, from one module alone, like the rest of the index: per function, the query sites whose
results it binds or returns (``db.query(M)…``, ``db.get(M, …)``, ``select(M)…`` executed on a
receiver), the flows of objects between local names (aliases, loops and comprehensions over a
path, calls whose result is bound, tuple unpacking), the attribute chains read on local names, the
names passed to calls, what is returned (through ``sorted``/``list``, dict keys, tuple elements),
and the schemas objects are validated or serialized with (``response_model=``, ``model_validate``,
``from_orm``, ``jsonable_encoder``). Whether a receiver is a session, a name a model class, a call
a project function: the plan answers (``loading.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from . import sqla
from .dispatch import VisitorDispatch
from .names import Callee, QualnameTracker, dotted, target_names
from .walk import descendants
from .pickling import fast_state

#: Session methods that execute a statement built elsewhere (``db.scalars(select(M)…)``), SQLModel's
#: ``exec`` among them.
EXECUTING_METHODS = sqla.STATEMENT_EXECUTORS | {"exec"}
#: Builtins that hand back (a view of) the objects they are given.
PASS_THROUGH = frozenset({"sorted", "list", "reversed", "tuple", "set"})
#: Attributes of a result or query that hand back its objects, not attributes of them.
RESULT_METHODS = frozenset(
    {"all", "first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "scalars", "unique",
     "filter", "filter_by", "where", "order_by", "limit", "offset", "options", "join", "outerjoin", "distinct",
     "group_by", "having", "execution_options", "populate_existing", "params", "select_from", "correlate",
     "with_for_update"}
)
#: Terminals that hand back one object.
SINGLE_TERMINALS = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar", "get"})
VALIDATORS = frozenset({"model_validate", "from_orm", "parse_obj", "validate"})


@fast_state
@dataclass(frozen=True, slots=True)
class QuerySite:
    """Where loader options go: the ``db.query(M)``, ``db.get(M, …)`` or ``select(M)`` call."""

    line: int
    column: int
    form: str  # "query" | "get" | "select"
    #: The receiver that executes it (``db``, ``self.db``): the plan checks it is a session.
    session: Callee | None
    entity: str  # M as written
    #: Loader options already there, as written (``selectinload(User.orders)``).
    options: tuple[str, ...] = ()
    #: For ``db.refresh(obj)`` (form "refresh"): the name refreshed.
    target: str = ""
    #: The value is one object (``get``, ``first()``, ``one()``…), not a list or rows.
    single: bool = False


@fast_state
@dataclass(frozen=True, slots=True)
class Flow:
    """``var`` (``"<return>"`` for a returned value) holds objects of ``kind``: "query" (``site``),
    "call" (what ``callee`` returns; ``element`` for a tuple unpacked), "path" (the objects at
    ``root.path``, elements of collections included), "new" (``callee`` constructed here) or
    "unpacked" (an element of a tuple unpacked from what is not a call: not followed).
    ``key``: the dict key a returned dict literal holds it under."""

    var: str
    kind: str
    line: int
    site: QuerySite | None = None
    callee: Callee | None = None
    element: int | None = None
    root: str = ""
    path: tuple[str, ...] = ()
    key: str | None = None


@fast_state
@dataclass(frozen=True, slots=True)
class Read:
    """``root.path[0]…`` read in the body (subscripts and loops see through collections)."""

    root: str
    path: tuple[str, ...]
    line: int
    #: Evaluated whenever its simple statement runs (not in a compound statement's header, a
    #: branch of ``if``-``else`` or ``and``/``or``, a comprehension's body, a lambda): a load run
    #: just before the statement runs exactly when the read would.
    plain: bool = False


@fast_state
@dataclass(frozen=True, slots=True)
class Pass:
    """Local name ``var`` handed to ``callee`` as argument ``position`` (an index, or a keyword)."""

    callee: Callee
    position: int | str
    var: str
    line: int


@fast_state
@dataclass(frozen=True, slots=True)
class Serialized:
    """``root.path`` validated with schema ``schema`` (qualnames as in an annotation), or dumped whole
    (``schema == ()``: ``jsonable_encoder(obj)``)."""

    root: str
    path: tuple[str, ...]
    schema: tuple[str, ...]
    line: int


@fast_state
@dataclass(frozen=True, slots=True)
class LoadFacts:
    flows: tuple[Flow, ...] = ()
    reads: tuple[Read, ...] = ()
    passes: tuple[Pass, ...] = ()
    serialized: tuple[Serialized, ...] = ()
    #: Qualnames in a ``response_model=`` of the function's decorators.
    response_model: tuple[str, ...] = ()
    #: ``X.refresh(name)`` calls (no attribute names): they reload ``name`` without loader options.
    refreshes: tuple[QuerySite, ...] = ()
    #: ``X`` and line of ``X.commit()`` / ``X.flush()`` calls (the plan checks ``X`` is a session).
    commits: tuple[tuple[Callee, int], ...] = ()
    flushes: tuple[tuple[Callee, int], ...] = ()
    #: Lines assigning an attribute of an object (``user.name = …``, ``+=``, ``setattr(obj, …)``),
    #: not of ``self``: a change a later query must not overwrite.
    writes: tuple[int, ...] = ()
    #: Every name the function binds (assignments, loop and ``with`` targets, unpacking…): one with
    #: no flow above holds objects from somewhere the plan cannot say.
    bound: tuple[str, ...] = ()
    #: Lines of its ``yield`` expressions; what one yields is a flow of ``"<yield>"`` (a fixture's
    #: value: the code after it is the fixture's teardown, run after the test).
    yields: tuple[int, ...] = ()
    #: ``x.run_sync(lambda _: obj.attr)`` loads (``greenlet-loads``): (name, attribute, line).
    loads: tuple[tuple[str, str, int], ...] = ()


@fast_state
@dataclass(frozen=True, slots=True)
class RelationshipTarget:
    """``attr = relationship("Target")`` of a class: the target as written (qualified when a
    name), and whether it holds a list (None: cannot tell)."""

    attr: str
    target: str
    collection: bool | None


class _Builder:
    def __init__(self) -> None:
        self.flows: list[Flow] = []
        self.reads: list[Read] = []
        self.passes: list[Pass] = []
        self.serialized: list[Serialized] = []
        self.response_model: tuple[str, ...] = ()
        self.refreshes: list[QuerySite] = []
        self.commits: list[tuple[Callee, int]] = []
        self.flushes: list[tuple[Callee, int]] = []
        self.writes: list[int] = []
        self.bound: set[str] = set()
        self.yields: list[int] = []
        self.loads: list[tuple[str, str, int]] = []
        self.statements: dict[str, QuerySite] = {}  # ``stmt = select(M)…`` / ``q = db.query(M)``

    def build(self) -> LoadFacts:
        return LoadFacts(
            tuple(self.flows), tuple(self.reads), tuple(self.passes), tuple(self.serialized), self.response_model,
            tuple(self.refreshes), tuple(self.commits), tuple(self.flushes), tuple(self.writes),
            tuple(sorted(self.bound)), tuple(self.yields), tuple(self.loads),
        )


def _chain(node: cst.BaseExpression) -> tuple[str, tuple[str, ...]] | None:
    """``user.orders[0].items`` → ("user", ("orders", "items")); None unless rooted at a name."""
    path: list[str] = []
    while True:
        if isinstance(node, cst.Attribute):
            path.append(node.attr.value)
            node = node.value
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Name):
            return node.value, tuple(reversed(path))
        else:
            return None


def _unwrap(node: cst.BaseExpression) -> cst.BaseExpression:
    """``await x``, ``(x)``, ``sorted(x, key=…)``, ``list(x)`` → ``x``."""
    while True:
        if isinstance(node, cst.Await):
            node = node.expression
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in PASS_THROUGH
            and node.args
            and node.args[0].keyword is None
            and not node.args[0].star
        ):
            node = node.args[0].value
        else:
            return node


def _greenlet_value(call: cst.Call) -> cst.BaseExpression | None:
    """``session.run_sync(lambda _: expr)`` whose lambda uses none of its parameters (as the
    migration writes a validation or a load run in the session's greenlet) → ``expr``: the call
    gives what ``expr`` gives. A lambda using its sync session is left: its statements run on a
    session the plan does not know by that name."""
    if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "run_sync"):
        return None
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    lam = call.args[0].value
    if not isinstance(lam, cst.Lambda):
        return None
    p = lam.params
    params = {x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)}
    params |= {x.name.value for x in (p.star_arg, p.star_kwarg) if isinstance(x, cst.Param)}
    if any(isinstance(n, cst.Name) and n.value in params for n in descendants(lam.body)):
        return None
    return lam.body


class LoadingFacts(VisitorDispatch, QualnameTracker, cst.CSTVisitor):
    """Collects ``LoadFacts`` per function qualname (qualnames as the index names them)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module_name: str, qualify: object) -> None:
        super().__init__()
        self._scope_init(module_name)
        self._qualify = qualify  # the indexer's: a dotted name as written → absolute qualname
        self.functions: dict[str, LoadFacts] = {}
        self.targets: dict[str, tuple[RelationshipTarget, ...]] = {}
        self.primary_keys: dict[str, tuple[str, ...]] = {}
        self._stack: list[_Builder] = [_Builder()]
        self._handled: set[int] = set()  # attribute nodes already recorded as part of a longer read
        self._plain: set[int] = set()  # attribute nodes a simple statement always evaluates

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    @property
    def _b(self) -> _Builder:
        return self._stack[-1]

    # -- scopes --------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._push("class", node.name.value)
        self.targets[self.scope_qualname] = tuple(self._relationship_targets(node))
        self.primary_keys[self.scope_qualname] = tuple(self._primary_keys(node))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._push("function", node.name.value)
        self._stack.append(_Builder())
        for decorator in node.decorators:
            if isinstance(decorator.decorator, cst.Call):
                for arg in decorator.decorator.args:
                    if arg.keyword is not None and arg.keyword.value == "response_model":
                        self._b.response_model = self._names(arg.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions[self.scope_qualname] = self._stack.pop().build()
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push("lambda", "<lambda>")
        self._stack.append(_Builder())

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.functions[self.scope_qualname] = self._stack.pop().build()
        self._pop()

    def _names(self, node: cst.BaseExpression) -> tuple[str, ...]:
        found: list[str] = []

        class _Collect(cst.CSTVisitor):
            def visit_Attribute(self, n: cst.Attribute) -> bool:
                text = dotted(n)
                if text is not None:
                    found.append(text)
                    return False
                return True

            def visit_Name(self, n: cst.Name) -> None:
                found.append(n.value)

            def visit_SimpleString(self, n: cst.SimpleString) -> None:
                try:
                    cst.parse_expression(n.evaluated_value).visit(self)  # type: ignore[arg-type]
                except Exception:
                    pass

        node.visit(_Collect())
        return tuple(self._qualify(n) for n in found)  # type: ignore[operator]

    # -- model classes -------------------------------------------------------------------------
    def _primary_keys(self, node: cst.ClassDef) -> list[str]:
        """Attributes assigned a call with ``primary_key=True`` (``mapped_column``, ``Column``, ``Field``)."""
        found = []
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else (
                    small.target if isinstance(small, cst.AnnAssign) else None)
                value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
                if isinstance(target, cst.Name) and isinstance(value, cst.Call) and any(
                    a.keyword is not None and a.keyword.value == "primary_key" and isinstance(a.value, cst.Name)
                    and a.value.value == "True" for a in value.args
                ):
                    found.append(target.value)
        return found

    def _relationship_targets(self, node: cst.ClassDef) -> list[RelationshipTarget]:
        found = []
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                annotation: cst.BaseExpression | None = None
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    target, value, annotation = small.target, small.value, small.annotation.annotation
                else:
                    continue
                if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
                    continue
                func = dotted(value.func)
                if func is None or not func.endswith("relationship") and not func.endswith("Relationship"):
                    continue
                written = self._target_of(value, annotation)
                if written is None:
                    continue
                found.append(RelationshipTarget(target.value, written[0], written[1]))
        return found

    def _target_of(self, call: cst.Call, annotation: cst.BaseExpression | None) -> tuple[str, bool | None] | None:
        collection: bool | None = None
        uselist = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "uselist"), None)
        if isinstance(uselist, cst.Name) and uselist.value in ("True", "False"):
            collection = uselist.value == "True"
        names = self._names(annotation) if annotation is not None else ()
        if names:
            tails = [n.rsplit(".", 1)[-1] for n in names]
            if collection is None:
                collection = any(t in ("list", "List", "set", "Set", "Sequence", "Collection") for t in tails)
            candidates = [n for n, t in zip(names, tails) if t[:1].isupper() and t not in (
                "Mapped", "List", "Set", "Optional", "Sequence", "Collection", "Union", "Relationship", "None")]
            if candidates:
                return candidates[-1], collection
        first = next((a.value for a in call.args if a.keyword is None and not a.star), None)
        if isinstance(first, cst.SimpleString) and isinstance(first.evaluated_value, str):
            return self._qualify(first.evaluated_value), collection  # type: ignore[operator]
        if first is not None and (text := dotted(first)) is not None:
            return self._qualify(text), collection  # type: ignore[operator]
        return None

    # -- query sites ---------------------------------------------------------------------------
    def _site(self, node: cst.BaseExpression) -> QuerySite | None:
        """The query site a value expression executes (its innermost ``query``/``get``/executed
        ``select``), following statements bound earlier in the function."""
        node = _unwrap(node)
        site = self._site_of(node)
        if site is None:
            return None
        outer = node.func.attr.value if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) else ""
        return replace(site, single=site.form == "get" or outer in SINGLE_TERMINALS)

    def _site_of(self, node: cst.BaseExpression) -> QuerySite | None:
        options: list[str] = []
        while True:
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                method = node.func.attr.value
                receiver = node.func.value
                positional = [a.value for a in node.args if a.keyword is None and not a.star]
                if method == "query" and len(node.args) == 1 and positional and dotted(positional[0]):
                    return self._make_site(node, "query", Callee.of(receiver), dotted(positional[0]) or "", options)
                if method == "get" and positional and dotted(positional[0]) and len(positional) == 2:
                    options += _populates(node)
                    kw = next((a.value for a in node.args if a.keyword and a.keyword.value == "options"), None)
                    if isinstance(kw, (cst.List, cst.Tuple)):
                        options += [cst.Module([]).code_for_node(e.value) for e in kw.elements]
                    return self._make_site(node, "get", Callee.of(receiver), dotted(positional[0]) or "", options)
                if method in EXECUTING_METHODS and positional:
                    inner = self._statement(positional[0], options)
                    if inner is not None:
                        return QuerySite(inner.line, inner.column, inner.form, Callee.of(receiver), inner.entity,
                                         (*inner.options, *options))
                    return None
                if method == "options":
                    options += [cst.Module([]).code_for_node(a.value) for a in node.args]
                options += _populates(node)
                if method not in RESULT_METHODS:
                    return None
                node = _unwrap(receiver)
            elif isinstance(node, cst.Attribute) and node.attr.value in RESULT_METHODS:
                node = node.value
            elif isinstance(node, cst.Name) and node.value in self._b.statements:
                site = self._b.statements[node.value]
                return QuerySite(site.line, site.column, site.form, site.session, site.entity, (*site.options, *options))
            else:
                return None

    def _statement(self, node: cst.BaseExpression, options: list[str]) -> QuerySite | None:
        """``select(M).where(…)`` (or a name bound to one): the ``select(M)`` call."""
        while True:
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                if node.func.attr.value == "options":
                    options += [cst.Module([]).code_for_node(a.value) for a in node.args]
                options += _populates(node)
                node = node.func.value
            elif isinstance(node, cst.Call) and dotted(node.func) and (dotted(node.func) or "").rsplit(".", 1)[-1] == "select":
                positional = [a.value for a in node.args if a.keyword is None and not a.star]
                if len(node.args) == 1 and positional and dotted(positional[0]):
                    return self._make_site(node, "select", None, dotted(positional[0]) or "", options)
                return None
            elif isinstance(node, cst.Name) and node.value in self._b.statements:
                site = self._b.statements[node.value]
                return QuerySite(site.line, site.column, site.form, site.session, site.entity, (*site.options, *options))
            else:
                return None

    def _make_site(self, node: cst.Call, form: str, session: Callee | None, entity: str, options: list[str]) -> QuerySite:
        position = self.get_metadata(PositionProvider, node).start
        return QuerySite(position.line, position.column, form, session, entity, tuple(options))

    # -- flows ---------------------------------------------------------------------------------
    def _flow(self, var: str, value: cst.BaseExpression, line: int, element: int | None = None, key: str | None = None) -> None:
        value = _unwrap(value)
        if isinstance(value, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            value = _unwrap(value.elt)  # ``[f(x) for x in …]`` holds what ``f(x)`` gives
        inner = _greenlet_value(value) if isinstance(value, cst.Call) else None
        if inner is not None:
            self._flow(var, inner, line, element, key)
            return
        if isinstance(value, cst.Dict) and var == "<return>":
            for el in value.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString):
                    k = el.key.evaluated_value
                    if isinstance(k, str):
                        self._flow(var, el.value, line, key=k)
            return
        if isinstance(value, cst.Tuple) and var == "<return>":
            for i, el in enumerate(value.elements):
                self._flow(var, el.value, line, element=i)
            return
        site = self._site(value)
        if site is not None:
            self._b.flows.append(Flow(var, "query", line, site=site, key=key))
            return
        chain = _chain(value)
        if chain is not None:
            self._b.flows.append(Flow(var, "path", line, root=chain[0], path=chain[1], element=element, key=key))
            return
        if isinstance(value, cst.Call):
            callee = Callee.of(value.func)
            if callee is not None:
                self._b.flows.append(Flow(var, "call", line, callee=callee, element=element, key=key))

    def visit_Assign(self, node: cst.Assign) -> None:
        line = self._line(node)
        for target in node.targets:
            self._assign(target.target, node.value, line)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_names(node.target)
        if node.value is not None and self.scope_kind == "function":
            self._assign(node.target, node.value, self._line(node))

    def _bind_names(self, target: cst.BaseExpression | None) -> None:
        self._b.bound.update(target_names(target))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind_names(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_names(node.asname.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_names(node.target)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_names(node.name.name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._write(node.target, self._line(node))

    def _write(self, target: cst.BaseExpression, line: int) -> None:
        chain = _chain(target) if isinstance(target, cst.Attribute) else None
        if chain is not None and chain[0] != "self":
            self._b.writes.append(line)

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression, line: int) -> None:
        if self.scope_kind != "function":
            return
        self._write(target, line)
        if isinstance(target, cst.Name):
            statement = self._statement(_unwrap(value), [])
            query = self._site(value)
            if statement is not None and query is None:
                self._b.statements[target.value] = statement
            elif query is not None and not _executes(value):
                self._b.statements[target.value] = query  # ``q = db.query(M)``, run later
            self._flow(target.value, value, line)
        elif isinstance(target, (cst.Tuple, cst.List)):
            call = _unwrap(value)
            callee = Callee.of(call.func) if isinstance(call, cst.Call) else None
            for i, el in enumerate(target.elements):
                if isinstance(el.value, cst.Name):
                    # Unpacked from anything but a call (``row or (None, None)``, a subscript): a flow
                    # the plan cannot follow, so other flows of the name do not hide it.
                    flow = Flow(el.value.value, "call", line, callee=callee, element=i) if callee else Flow(el.value.value, "unpacked", line)
                    self._b.flows.append(flow)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.scope_kind in ("function", "lambda"):
            self._flow("<return>", node.value, self._line(node))

    def visit_Yield(self, node: cst.Yield) -> None:
        if self.scope_kind != "function" or isinstance(node.value, cst.From):
            return
        self._b.yields.append(self._line(node))
        if node.value is not None:
            self._flow("<yield>", node.value, self._line(node))

    def visit_For(self, node: cst.For) -> None:
        self._loop(node.target, node.iter, self._line(node))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._loop(node.target, node.iter, self._line(node))

    def _loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression, line: int) -> None:
        self._bind_names(target)
        if isinstance(target, cst.Name):
            chain = _chain(_unwrap(iterable))
            if chain is not None:
                self._b.flows.append(Flow(target.value, "path", line, root=chain[0], path=chain[1]))
            else:
                self._flow(target.value, iterable, line)

    # -- reads, passes, serialization ----------------------------------------------------------
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._plain.update(_always_evaluated(node))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if id(node) in self._handled:
            return
        chain = _chain(node)
        if chain is None or not chain[1]:
            return
        inner: cst.BaseExpression = node.value
        while isinstance(inner, (cst.Attribute, cst.Subscript)):
            self._handled.add(id(inner))
            inner = inner.value
        self._b.reads.append(Read(chain[0], chain[1], self._line(node), id(node) in self._plain))

    def _greenlet_load(self, node: cst.Call) -> None:
        """``x.run_sync(lambda _: obj.rel)`` / ``(…, …)``: the reads a ``greenlet-loads`` load runs
        (``loads``), already loaded for the reads after it; not reads of their own."""
        if not (isinstance(node.func, cst.Attribute) and node.func.attr.value == "run_sync" and len(node.args) == 1):
            return
        fn = node.args[0].value
        if not isinstance(fn, cst.Lambda) or len(fn.params.params) != 1 or fn.params.params[0].name.value != "_":
            return
        items = [e.value for e in fn.body.elements] if isinstance(fn.body, cst.Tuple) else [fn.body]
        reads = [i for i in items if isinstance(i, cst.Attribute) and isinstance(i.value, cst.Name)]
        if len(reads) != len(items):
            return
        for read in reads:
            assert isinstance(read.value, cst.Name)
            self._handled.add(id(read))
            self._b.loads.append((read.value.value, read.attr.value, self._line(node)))

    def visit_Call(self, node: cst.Call) -> None:
        loader = node.func.attr if isinstance(node.func, cst.Attribute) else node.func
        if isinstance(loader, cst.Name) and loader.value in _LOADER_OPTIONS:
            # ``selectinload(Order.items)`` names a relationship: it reads no object's attribute
            for arg in node.args:
                self._handled.update(id(n) for n in descendants(arg.value) if isinstance(n, cst.Attribute))
        self._greenlet_load(node)
        callee = Callee.of(node.func)
        if callee is None:
            return
        line = self._line(node)
        if callee == Callee("setattr"):
            self._b.writes.append(line)
        if isinstance(node.func, cst.Attribute) and callee.path:
            method = callee.path[-1]
            receiver = Callee.of(node.func.value)
            if method in ("commit", "flush") and not node.args and receiver is not None:
                (self._b.commits if method == "commit" else self._b.flushes).append((receiver, line))
            if (
                method == "refresh"
                and len(node.args) == 1
                and isinstance(node.args[0].value, cst.Name)
                and node.args[0].keyword is None
                and receiver is not None
            ):
                site = self._make_site(node, "refresh", receiver, "", [])
                self._b.refreshes.append(QuerySite(site.line, site.column, "refresh", receiver, "", (), node.args[0].value.value))
            positional = [a.value for a in node.args if a.keyword is None and not a.star]
            if (
                method == "get"
                and len(positional) == 2
                and _reloaded(positional[1]) is not None
                and dotted(positional[0])
                and receiver is not None
                and any(a.keyword is not None and a.keyword.value == "populate_existing" for a in node.args)
            ):
                # ``db.get(M, obj.id, options=[...], populate_existing=True)``: ``obj`` reloaded with
                # loaders (what ``eager-load-options`` writes for a refresh; ``inspect(obj).identity``
                # where the session may still expire): a second run keeps it.
                kw = next((a.value for a in node.args if a.keyword and a.keyword.value == "options"), None)
                written = [cst.Module([]).code_for_node(e.value) for e in kw.elements] if isinstance(kw, (cst.List, cst.Tuple)) else []
                written += _populates(node)
                site = self._make_site(node, "get", receiver, dotted(positional[0]) or "", written)
                self._b.refreshes.append(replace(site, target=_reloaded(positional[1])))
            if (
                method == "refresh"
                and len(node.args) == 2
                and isinstance(node.args[0].value, cst.Name)
                and isinstance(node.args[1].value, (cst.List, cst.Tuple))
                and receiver is not None
            ):
                names = tuple(
                    e.value.evaluated_value for e in node.args[1].value.elements
                    if isinstance(e.value, cst.SimpleString) and isinstance(e.value.evaluated_value, str)
                )
                site = self._make_site(node, "refresh-names", receiver, "", [])
                self._b.refreshes.append(QuerySite(site.line, site.column, "refresh-names", receiver, "", names, node.args[0].value.value))
        position = 0
        for arg in node.args:
            if arg.star:
                position = -1
                continue
            chain = _chain(_unwrap(arg.value))
            if chain is not None:
                where: int | str | None = arg.keyword.value if arg.keyword is not None else (position if position >= 0 else None)
                if where is not None and not chain[1]:
                    self._b.passes.append(Pass(callee, where, chain[0], line))
                if callee.path and callee.path[-1] in VALIDATORS and arg is node.args[0]:
                    self._b.serialized.append(Serialized(chain[0], chain[1], self._names(node.func.value) if isinstance(node.func, cst.Attribute) else (), line))
                elif callee.root == "jsonable_encoder" or callee.path[-1:] == ("jsonable_encoder",):
                    self._b.serialized.append(Serialized(chain[0], chain[1], (), line))
            if arg.keyword is None and position >= 0:
                position += 1


#: In ``QuerySite.options``: the query already overwrites the identity map's objects.
POPULATES = "populate_existing"


#: Loader options (functions of ``sqlalchemy.orm`` and methods of the ``Load`` they return):
#: their arguments name relationships and columns of a class, not attributes of loaded objects.
_LOADER_OPTIONS = frozenset({
    "selectinload", "joinedload", "subqueryload", "lazyload", "immediateload", "noload", "raiseload",
    "defaultload", "contains_eager", "load_only", "defer", "undefer", "undefer_group",
    "selectin_polymorphic", "with_expression",
})


def _reloaded(key: cst.BaseExpression) -> str | None:
    """The object a ``db.get(M, key, populate_existing=True)`` reloads: ``obj`` for ``obj.id`` or
    ``inspect(obj).identity`` (the two forms ``eager-load-options`` writes for ``refresh(obj)``)."""
    if not isinstance(key, cst.Attribute):
        return None
    if isinstance(key.value, cst.Name):
        return key.value.value
    call = key.value
    if (
        key.attr.value == "identity"
        and isinstance(call, cst.Call)
        and dotted(call.func) in ("inspect", "sqlalchemy.inspect")
        and len(call.args) == 1
        and isinstance(call.args[0].value, cst.Name)
    ):
        return call.args[0].value.value
    return None


def _populates(call: cst.Call) -> list[str]:
    """``[POPULATES]`` for ``.populate_existing()``, ``.execution_options(populate_existing=True)``,
    ``get(..., populate_existing=True)``."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "populate_existing":
        return [POPULATES]
    if any(a.keyword is not None and a.keyword.value == "populate_existing" for a in call.args):
        return [POPULATES]
    return []


def _always_evaluated(statement: cst.SimpleStatementLine) -> set[int]:
    """Ids of the attribute nodes read every time ``statement`` runs: not an assignment's target
    (set, not read), nor those of a branch (``b`` and ``c`` in ``b if a else c``, ``b`` in
    ``a and b``), of a lambda, or of a comprehension beyond its first iterable."""
    found: set[int] = set()
    todo: list[cst.CSTNode] = [statement]
    while todo:
        node = todo.pop()
        if isinstance(node, cst.Attribute):
            found.add(id(node))
        if isinstance(node, cst.Lambda):
            continue
        if isinstance(node, (cst.AssignTarget, cst.AnnAssign)) and isinstance(node.target, cst.Attribute):
            # ``obj.attr = v`` sets it: a column set loads nothing; only ``obj`` is read
            todo.append(node.target.value)
            if isinstance(node, cst.AnnAssign):
                todo.extend(c for c in (node.annotation, node.value) if c is not None)
        elif isinstance(node, cst.IfExp):
            todo.append(node.test)
        elif isinstance(node, cst.BooleanOperation):
            todo.append(node.left)
        elif isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            todo.append(node.for_in.iter)
        else:
            todo.extend(node.children)
    return found


def _executes(value: cst.BaseExpression) -> bool:
    """Whether a query chain is run here (ends in a terminal), not just built (``q = db.query(M)``)."""
    node = _unwrap(value)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value not in ("query", "filter", "filter_by", "where", "order_by", "options", "join",
                                             "outerjoin", "limit", "offset", "distinct", "group_by", "having")
    return True


def collect(module: cst.Module, table: Mapping[cst.CSTNode, CodeRange], module_name: str, qualify: object) -> LoadingFacts:
    """Run the collector over a module, with the position table the index built for it."""
    facts = LoadingFacts(module_name, qualify)
    facts.metadata = {PositionProvider: table}  # what MetadataWrapper.visit resolves
    module.visit(facts)
    facts.metadata = {}
    return facts
