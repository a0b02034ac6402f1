"""Legacy ``session.query(...)`` chains → 2.0-style ``select()`` executed on the session (rules §2, §5).

``AsyncSession`` has no ``query()``. This transformer rewrites each ``X.query(...)`` chain, where the
plan types ``X`` as a session, into a ``select()`` statement executed with ``X.execute`` /
``X.scalar`` / ``X.get``, **without** awaits: ``AddAwaits`` runs after it and awaits those calls.

Analysis and rendering are apart. ``_QueryChain`` (analysis) is the parsed chain: its root (the
session query or a query variable), its builder steps and its terminal, with the result shape
(rules §2.0 Rule S: S1 = exactly one ORM entity selected, else S2) and whether ``.unique()`` is needed
(Rule U). ``_Renderer`` builds the new nodes from the *updated* nodes of the same chain, so a query
nested in an argument (``User.id.in_(db.query(Address.user_id))``) is converted first.

Converted:

* builders (rules §2.2): ``filter``/``where`` → ``where``; ``filter_by(k=v)`` → ``where(E.k == v)``
  with ``E`` the target of the last ``join``/``outerjoin``, else the queried entity ([2.1]: 2.1's
  ``Select.filter_by`` searches every FROM entity, legacy ``Query.filter_by`` does not); ``join``,
  ``outerjoin``, ``order_by``, ``group_by``, ``having``, ``limit``, ``offset``, ``slice``, ``distinct``,
  ``options``, ``select_from``, ``with_entities`` → ``with_only_columns``, ``add_columns``,
  ``add_entity`` → ``add_columns``, ``execution_options``, ``populate_existing()`` →
  ``execution_options(populate_existing=True)``, ``with_for_update``, ``correlate``;
* executed terminals (rules §5): ``all``, ``first`` (always ``.limit(1)``), ``one``, ``one_or_none``,
  ``scalar``, ``count``, ``get`` (→ ``session.get``), ``delete``/``update`` bulk forms (→
  ``.rowcount``), iteration (``for``/comprehension), ``q[a:b]`` and ``q[n]``;
* statement terminals (not executed): ``subquery``, ``cte``, ``exists``, ``scalar_subquery``,
  ``as_scalar``, ``label``, ``.statement``; a chain with no terminal handed to ``in_``/``not_in``/
  ``exists``;
* a query built across statements of one function (``q = db.query(M)``; ``q = q.filter(...)``;
  ``q.all()``): the variable keeps its name and now holds a ``Select``.
* ``q1.union(q2, ...)`` / ``union_all`` of one entity → ``select(aliased(M, union(s1, s2).subquery()))``
  (rules §2.2): legacy ``Query._set_op`` wraps the compound in a subquery and adapts the entity, and
  the later ``filter``/``order_by`` criteria, to it. Those criteria name the alias, bound with ``:=``
  (``select(user_union := aliased(...)).order_by(user_union.id)``; naming ``User`` there would cross
  join ``users``). Columns of one entity are read through the alias too
  (``select((user_union := aliased(...)).id, user_union.name)``: rows keyed by attribute, as legacy;
  a plain ``union()`` keys them by column name). Members are session queries or query variables
  with the same select list; a receiver's ``options``/``execution_options``/``with_for_update`` are
  refused (legacy keeps them on the wrapping query too).
* ``for x in db.query(M)....yield_per(n):`` → ``async for x in await
  db.stream_scalars(select(M)....execution_options(yield_per=n)):`` (``stream()`` for rows): legacy
  ``yield_per`` streams and does not de-duplicate, so no ``.unique()`` (2.x refuses it with
  ``yield_per``; joined eager collections raise on both sides alike).

Rule U (rules §2.0): ``.unique()`` follows ``execute()`` whenever the select list holds an ORM entity,
for every terminal except ``first()`` without ``options(...)`` (``_duplicates_impossible``); never for
column-only selects. Rule S: S1 reads ``.scalars()`` / ``scalar_one*()``, S2 reads rows.

Refused — the chain is left byte-identical and reported as ``query-unsupported``: methods with no
exact 2.x rewrite here (``from_statement``, ``yield_per`` other than a ``for`` statement's iterable, ``params``,
unknown methods), unions of several entities or of columns of several entities, unions kept as a
query or followed by other builders, ``text()`` criteria, string join targets, negative or empty literal
slices, slice steps, ``Model.query`` of ``query_property()``, ``filter_by`` whose target entity cannot be named, ``get``/bulk forms with
criteria or joins, a select list whose items cannot be told entity from column (a name with no
evidence of holding a class, see ``class_values``; ``count``/``get``/bulk forms need none), a
query object that escapes (returned, passed on, stored), and modules using SQLModel sessions
(``sqlmodel.select`` + ``session.exec()`` are not emitted yet). Chains in code that cannot await
(lambdas, properties, module level) stay as they are without a report of their own: the plan
reports those as ``sync-boundary``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider

from ..class_values import class_valued, metaclass_aliases
from ..dispatch import VisitorDispatch
from ..names import Callee, dotted
from .base import AsyncifyCodemod

UNSUPPORTED = "query-unsupported"
#: ``context.scratch`` key: qualname of a function the plan makes async → (line, reason) of a legacy
#: query left in it. Such a function cannot run on an ``AsyncSession`` (it has no ``query()``): the
#: pipeline holds it sync and re-plans, so its callers reach it through ``run_sync``.
LEFT_QUERIES = "asyncify_left_queries"
#: Marks a chain of a refused query variable: the variable was reported once, at its assignment.
_VARIABLE_REPORTED = "reported with its variable"

#: Builders whose ``Select`` counterpart takes the same arguments (legacy name → 2.x name).
_RENAMED_BUILDERS: dict[str, str] = {
    "filter": "where",
    "where": "where",
    "join": "join",
    "outerjoin": "outerjoin",
    "order_by": "order_by",
    "group_by": "group_by",
    "having": "having",
    "limit": "limit",
    "offset": "offset",
    "slice": "slice",
    "distinct": "distinct",
    "options": "options",
    "select_from": "select_from",
    "with_entities": "with_only_columns",
    "add_columns": "add_columns",
    "add_entity": "add_columns",
    "execution_options": "execution_options",
    "with_for_update": "with_for_update",
    "correlate": "correlate",
}
#: ``Query.union``/``union_all``: the compound wrapped in a subquery the entity is adapted to (rules §2.2).
_SET_OPS = frozenset({"union", "union_all"})
#: Builders that may follow a set operation: the ones whose criteria are re-pointed at the alias.
_AFTER_SET_OP = frozenset(
    {"filter", "where", "order_by", "limit", "offset", "slice", "distinct", "execution_options", "populate_existing"}
)
#: Builders of the receiver that legacy also keeps on the query wrapping the compound.
_KEPT_BY_SET_OP = frozenset(
    {"options", "execution_options", "populate_existing", "with_for_update", "correlate", "yield_per"}
)
_BUILDERS = frozenset({*_RENAMED_BUILDERS, *_SET_OPS, "filter_by", "populate_existing", "yield_per"})
#: Terminals that run the query (need the session, and an await after add-awaits).
_EXECUTED = frozenset({"all", "first", "one", "one_or_none", "scalar", "count", "get", "delete", "update"})
#: Executed terminals whose result does not depend on the select list's shape (Rule S).
_SHAPE_FREE = frozenset({"count", "get", "delete", "update"})
#: Terminals that only build SQL: legacy name → ``Select`` name.
_STATEMENT: dict[str, str] = {
    "subquery": "subquery",
    "cte": "cte",
    "exists": "exists",
    "scalar_subquery": "scalar_subquery",
    "as_scalar": "scalar_subquery",
    "label": "label",
}
#: Why well-known Query methods are refused.
_REFUSED: dict[str, tuple[str, str]] = {
    "from_statement": (
        "`Query.from_statement()`: its terminals differ from the plain chain (`first()` adds no LIMIT, rules §2.1)",
        "rewrite with `select(M).from_statement(...)` by hand and check each terminal",
    ),
    "yield_per": (
        "`yield_per()` streams and turns off de-duplication: converted only as the iterable of a `for` "
        "statement (`async for` over `session.stream_scalars`); a buffered `execute()` would not match",
        "use `await session.stream(stmt.execution_options(yield_per=n))` with `async for` (rules §5 iter)",
    ),
    "params": (
        "`params()` binds parameters at execution time",
        "pass them to `session.execute(stmt, {...})`",
    ),
}
#: Fix for a refused set operation.
_SET_OP_FIX = "use `ua = aliased(M, union(s1, s2).subquery())` and `select(ua)`, with later criteria on `ua` (rules §2.2)"
#: Method names whose argument may be a plain (unexecuted) statement.
_STATEMENT_CONSUMERS = frozenset({"in_", "not_in", "notin_", "exists", *_SET_OPS})
#: A module importing one of these works with SQLModel sessions (``exec`` + ``sqlmodel.select``, rules §4).
_SQLMODEL_SESSIONS = frozenset(
    {"sqlmodel.Session", "sqlmodel.orm.session.Session", "sqlmodel.ext.asyncio.session.AsyncSession"}
)
#: Calls whose result, named, is a column expression in a select list.
_COLUMN_CALLS = frozenset(
    {"scalar_subquery", "as_scalar", "label", "exists", "literal", "literal_column", "cast", "case", "coalesce"}
)
#: Calls in a select list that denote an ORM entity rather than a column.
_ENTITY_CALLS = frozenset({"aliased", "with_polymorphic"})


# -- analysis ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Link:
    """One step up from the root: ``.name(...)`` ("call"), ``[...]`` ("index") or ``.name`` ("attr")."""

    kind: str
    name: str
    node: cst.BaseExpression


@dataclass
class _QueryChain:
    """A parsed query chain (original nodes). ``root`` is the ``X.query(...)`` call or a query variable."""

    root: cst.BaseExpression
    session: cst.BaseExpression | None  # X of X.query(...); None for a variable root
    var: str | None  # the query variable the chain starts from
    links: list[_Link]
    usage: str = ""  # "terminal" | "iter" | "assign" | "argument" | "escape"
    #: The select list at the root: the ``query(...)`` arguments, or the variable's.
    entities: tuple[cst.BaseExpression, ...] = ()
    #: Text of the entity ``filter_by`` targets, per link index.
    filter_by_targets: dict[int, str] = field(default_factory=dict)
    #: Rule S: the select list is exactly one ORM entity (S1), else S2.
    s1: bool = False
    #: Rule U: an ORM entity is in the select list.
    has_entity: bool = False
    #: ``options(...)`` in the chain (or anywhere in its variable's assignments).
    has_options: bool = False
    #: Index of a ``union``/``union_all`` link, and the entity (as code) the compound is aliased as.
    set_op: int | None = None
    set_entity: str = ""
    #: The select list the compound is read through (``User`` or ``User.id, User.name``), as code.
    set_columns: list[str] = field(default_factory=list)
    #: The name bound (``:=``) to that alias when later builders refer to the entity.
    set_alias: str | None = None
    #: ``yield_per(n)`` in a ``for`` statement's iterable: streamed with ``async for``.
    streamed: bool = False
    problem: str | None = None
    fix: str = ""

    @property
    def outer(self) -> cst.BaseExpression:
        return self.links[-1].node if self.links else self.root

    @property
    def terminal(self) -> _Link | None:
        if not self.links:
            return None
        last = self.links[-1]
        if last.kind == "index" or last.kind == "attr" or last.name in _EXECUTED or last.name in _STATEMENT:
            return last
        return None

    @property
    def steps(self) -> list[_Link]:
        return self.links[:-1] if self.terminal is not None else list(self.links)

    @property
    def executes(self) -> bool:
        t = self.terminal
        return self.usage == "iter" or (t is not None and (t.kind == "index" or t.name in _EXECUTED))


@dataclass
class _VarInfo:
    """A name assigned only from query chains in one function (flow-insensitive)."""

    name: str
    assigns: list[cst.Assign] = field(default_factory=list)
    chains: list[_QueryChain] = field(default_factory=list)  # every chain rooted at the name or assigned to it
    entities: tuple[cst.BaseExpression, ...] = ()
    session: cst.BaseExpression | None = None
    has_join: bool = False
    has_options: bool = False
    #: Variables built from or into this one (``active = base.filter(...)``).
    linked: set[str] = field(default_factory=set)
    problem: str | None = None
    fix: str = ""


def _arg_values(call: cst.Call) -> list[cst.BaseExpression]:
    return [a.value for a in call.args]


def _class_like(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper()


def _callee_name(call: cst.Call) -> str:
    """The called name: ``f`` for ``f(...)``, ``m`` for ``<anything>.m(...)``."""
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return call.func.value if isinstance(call.func, cst.Name) else ""


def _is_negative_literal(node: cst.BaseExpression | None) -> bool:
    return m.matches(node, m.UnaryOperation(operator=m.Minus())) if node is not None else False


def _int_literal(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    return None


def _assigned_kinds(scope: cst.CSTNode, kinds: dict[str, set[str]]) -> None:
    """Add to ``kinds`` what each ``name = call(...)`` in ``scope`` makes ``name`` in a select list."""
    for assign in m.findall(scope, m.Assign(value=m.Call())):
        call = cst.ensure_type(cst.ensure_type(assign, cst.Assign).value, cst.Call)
        name = _callee_name(call)
        head = (dotted(call.func) or "").split(".")[0]
        if name in _ENTITY_CALLS:
            kind = "entity"
        elif name in _COLUMN_CALLS or head == "func":
            kind = "column"
        else:
            kind = "unknown"
        for target in cst.ensure_type(assign, cst.Assign).targets:
            if isinstance(target.target, cst.Name):
                kinds.setdefault(target.target.value, set()).add(kind)


def _contains_text_call(node: cst.CSTNode) -> bool:
    return bool(m.findall(node, m.Call(func=m.Name("text") | m.Attribute(attr=m.Name("text")))))


class _Scope(VisitorDispatch, cst.CSTVisitor):
    """Nodes of one function body, not descending into nested functions, lambdas or classes
    (names used there are still collected: a query variable used in a closure escapes)."""

    def __init__(self) -> None:
        self.query_calls: list[cst.Call] = []
        self.assigns: list[cst.Assign] = []
        self.names: list[cst.Name] = []
        self.nested_names: set[str] = set()

    def _enter(self, node: cst.CSTNode) -> bool:
        self.nested_names.update(n.value for n in m.findall(node, m.Name()))
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._enter(node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return self._enter(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._enter(node)

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Attribute(attr=m.Name("query"))):
            self.query_calls.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigns.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)


class QueryToSelect(AsyncifyCodemod):
    DESCRIPTION = "Rewrite legacy session.query(...) chains into select() executed on the session."
    TRIGGERS = ("query",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: Outer node (original) of a chain to convert → its analysis.
        self._convert: dict[cst.CSTNode, _QueryChain] = {}
        #: The function being analysed: its single-name assignments, by name.
        self._assigned: dict[str, list[cst.Assign]] = {}
        self._sqlmodel = False
        self._query_property = False
        self._module_kinds: dict[str, set[str]] | None = None
        self._metaclasses: frozenset[str] | None = None

    # -- setup ---------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        index = self.plan.modules.get(self.module_name)
        imports = dict(index.imports) if index is not None else {}
        self._sqlmodel = any(target in _SQLMODEL_SESSIONS for target in imports.values())
        self._query_property = bool(
            m.findall(node, m.Name("query_property") | m.Attribute(attr=m.Name("query_property")))
        )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """``Model.query`` in a module using ``query_property()``: no async counterpart (rules §1.2)."""
        if self._query_property and node.attr.value == "query" and isinstance(node.value, cst.Name):
            if _class_like(node.value.value):
                self.report(
                    node,
                    "`Model.query` from `query_property()`: `async_scoped_session` has no `query_property` "
                    "(rules §1.2, §3.13)",
                    "replace it with `select(Model)` executed on an explicit `AsyncSession`",
                    UNSUPPORTED,
                )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        self._analyze_function(node)
        return None

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    # -- parsing a chain -----------------------------------------------------------------------
    def _is_session_query(self, call: cst.Call) -> bool:
        if not m.matches(call.func, m.Attribute(attr=m.Name("query"))):
            return False
        callee = Callee.of(call.func.value)  # type: ignore[attr-defined]
        return callee is not None and self.plan.is_session(self.context_qualname, callee)

    def _walk_up(self, root: cst.BaseExpression) -> list[_Link]:
        """The links above ``root`` up to (and including) the first terminal."""
        links: list[_Link] = []
        cur: cst.BaseExpression = root
        while True:
            parent = self._parent(cur)
            if isinstance(parent, cst.Attribute) and parent.value is cur:
                grand = self._parent(parent)
                name = parent.attr.value
                if isinstance(grand, cst.Call) and grand.func is parent:
                    links.append(_Link("call", name, grand))
                    cur = grand
                    if name in _EXECUTED or name in _STATEMENT or name not in _BUILDERS:
                        return links
                    continue
                links.append(_Link("attr", name, parent))
                return links
            if isinstance(parent, cst.Subscript) and parent.value is cur:
                links.append(_Link("index", "[]", parent))
            return links

    def _usage(self, chain: _QueryChain, var_names: set[str]) -> str:
        if chain.terminal is not None:
            return "terminal"
        outer = chain.outer
        parent = self._parent(outer)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is outer:
            return "iter"
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
            and parent.targets[0].target.value in var_names
        ):
            return "assign"
        if isinstance(parent, cst.Arg) and parent.keyword is None and parent.star == "":
            call = self._parent(parent)
            if isinstance(call, cst.Call) and _callee_name(call) in _STATEMENT_CONSUMERS:
                return "argument"
        return "escape"

    # -- classifying the select list ----------------------------------------------------------
    def _entity_kind(self, node: cst.BaseExpression, known: dict[str, str]) -> str:
        """"entity", "column" or "unknown" for one item of a select list."""
        if isinstance(node, cst.Call):
            return "entity" if _callee_name(node) in _ENTITY_CALLS else "column"
        if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
            return "column"
        text = dotted(node)
        if text is None:
            return "unknown"
        if text in known:
            return known[text]
        if _class_like(text):
            return "entity"
        parts = text.split(".")
        if "c" in parts[1:] or "columns" in parts[1:]:
            return "column"  # table.c.x / subquery.c.x
        for i in range(1, len(parts)):
            head = ".".join(parts[:i])
            if known.get(head) == "entity" or _class_like(head):
                return "column"  # User.id, models.User.id, addr_alias.email
        return "unknown"

    # -- function analysis ---------------------------------------------------------------------
    def _analyze_function(self, fn: cst.FunctionDef) -> None:
        """Parse and check every query chain of ``fn``'s own body; queue the convertible ones."""
        scope = _Scope()
        fn.body.visit(scope)
        if not scope.query_calls:
            return  # every chain, and every query variable, starts at a ``.query(...)`` call here
        known = self._known_names(fn)
        var_names = self._query_variables(scope)
        chains = self._collect_chains(scope, var_names)
        infos = self._resolve_variables(scope, chains, var_names)
        for chain in chains:
            if chain.var is not None:
                chain.entities = infos[chain.var].entities
                chain.session = infos[chain.var].session
            self._check(chain, known, infos)
        self._check_set_ops(chains, infos, scope)
        self._decide(chains, infos, executable=self.plan.is_async(self.scope_qualname))

    def _query_variables(self, scope: _Scope) -> set[str]:
        """Names whose every assignment is a no-terminal chain from a session query or from another
        such name (a fixpoint: a name assigned from a dropped name is dropped)."""
        assigned: dict[str, list[cst.Assign]] = {}
        for assign in scope.assigns:
            if len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name):
                assigned.setdefault(assign.targets[0].target.value, []).append(assign)
        names = set(assigned)
        changed = True
        while changed:
            changed = False
            for name in sorted(names):
                if not all(self._chain_source(a.value, names) for a in assigned[name]):
                    names.discard(name)
                    changed = True
        self._assigned = assigned
        return names

    def _chain_source(self, value: cst.BaseExpression, var_names: set[str]) -> bool:
        """Whether ``value`` is a chain of builders on a session query or on one of ``var_names``."""
        cur = value
        while isinstance(cur, cst.Call) and isinstance(cur.func, cst.Attribute):
            if cur.func.attr.value == "query" and self._is_session_query(cur):
                return True
            if cur.func.attr.value not in _BUILDERS:
                return False
            cur = cur.func.value
        return isinstance(cur, cst.Name) and cur is not value and cur.value in var_names

    def _collect_chains(self, scope: _Scope, var_names: set[str]) -> list[_QueryChain]:
        """Every chain of the body: from ``X.query(...)`` with X a session, or from a query variable."""
        chains: list[_QueryChain] = []
        for call in scope.query_calls:
            if self._is_session_query(call):
                session = cst.ensure_type(call.func, cst.Attribute).value
                chains.append(_QueryChain(call, session, None, self._walk_up(call), entities=tuple(_arg_values(call))))
        targets = {id(a.targets[0].target) for name in var_names for a in self._assigned[name]}
        for use in scope.names:
            if use.value not in var_names or id(use) in targets:
                continue
            parent = self._parent(use)
            if isinstance(parent, cst.Attribute) and parent.attr is use:
                continue  # ``x.q``: an attribute, not the variable
            if isinstance(parent, cst.Arg) and parent.keyword is use:
                continue  # ``f(q=...)``: a keyword
            chains.append(_QueryChain(use, None, use.value, self._walk_up(use)))
        for chain in chains:
            chain.usage = self._usage(chain, var_names)
        return chains

    def _resolve_variables(
        self, scope: _Scope, chains: list[_QueryChain], var_names: set[str]
    ) -> dict[str, _VarInfo]:
        """Each variable's chains, select list and session; a problem spreads along assignments
        between variables (``active = base.filter(...)``: both stay Queries or neither does)."""
        infos = {name: _VarInfo(name, self._assigned[name]) for name in var_names}
        by_outer = {id(c.outer): c for c in chains}
        for info in infos.values():
            info.chains += [by_outer[id(a.value)] for a in info.assigns if id(a.value) in by_outer]
            if info.name in scope.nested_names:
                info.problem = f"query variable `{info.name}` is used in a nested function or lambda"
        for chain in chains:
            if chain.var is not None and chain.usage != "assign":
                infos[chain.var].chains.append(chain)
        edges: list[tuple[str, str]] = []
        for info in infos.values():
            roots = [c for c in info.chains if c.var is None]
            if len({self.module.code_for_node(c.root) for c in roots}) > 1:
                info.problem = info.problem or f"query variable `{info.name}` is assigned from different queries"
            if roots:
                info.entities, info.session = roots[0].entities, roots[0].session
            for c in info.chains:
                if c.usage == "assign" and c.var is not None:
                    edges.append((info.name, c.var))
                    info.linked.add(c.var)
                    infos[c.var].linked.add(info.name)
                if c.usage == "escape":
                    info.problem = info.problem or (
                        f"query variable `{info.name}` escapes the function (returned, passed on or stored) "
                        "and would hold a `Select` instead of a `Query`"
                    )
                for link in c.steps if c.usage == "assign" else ():
                    info.has_join |= link.name in ("join", "outerjoin")
                    info.has_options |= link.name == "options"
                    if link.name in ("with_entities", "add_columns", "add_entity"):
                        info.problem = info.problem or (
                            f"query variable `{info.name}` changes its select list across statements"
                        )
        changed = True
        while changed:
            changed = False
            for a, b in edges:
                for x, y in ((a, b), (b, a)):
                    before = (infos[y].problem, infos[y].has_join, infos[y].has_options, infos[y].session)
                    if infos[x].problem and not infos[y].problem:
                        infos[y].problem = f"query variable `{y}` is built from or into `{x}`, which cannot be converted"
                    infos[y].has_join |= infos[x].has_join
                    infos[y].has_options |= infos[x].has_options
                    if infos[y].session is None and infos[x].session is not None:
                        infos[y].entities, infos[y].session = infos[x].entities, infos[x].session
                    changed |= before != (infos[y].problem, infos[y].has_join, infos[y].has_options, infos[y].session)
        for info in infos.values():
            if info.session is None:
                info.problem = info.problem or f"query variable `{info.name}` is not built from a session query"
        return infos

    def _decide(self, chains: list[_QueryChain], infos: dict[str, _VarInfo], executable: bool) -> None:
        """Report refused chains and variables; queue the others for conversion."""
        if self._sqlmodel:
            for chain in chains:
                chain.problem = chain.problem or "a SQLModel session: the rewrite needs `sqlmodel.select` and `session.exec()`"
                chain.fix = "rewrite with `session.exec(select(...))` from sqlmodel, adding `.unique()` per rules §2.0"
        for info in infos.values():
            if info.problem is None and any(c.problem for c in info.chains):
                info.problem = f"query variable `{info.name}` is used in a form that cannot be converted"
        # A problem found by the checks spreads like one found earlier: ``q1 = base.order_by(...)``
        # with ``q1`` kept a Query keeps ``base`` one too (a ``Select`` has no ``get()``…).
        changed = True
        while changed:
            changed = False
            for info in infos.values():
                bad = next((other for other in sorted(info.linked) if infos[other].problem), None)
                if info.problem is None and bad is not None:
                    info.problem = f"query variable `{info.name}` is built from or into `{bad}`, which cannot be converted"
                    changed = True
        for info in infos.values():
            if info.problem is not None:  # one bad use: the variable stays a Query everywhere
                self.report(info.assigns[0], f"{info.problem}; left unchanged", "convert it by hand to a `select()` statement", UNSUPPORTED)
                if executable:
                    self._left(info.assigns[0], info.problem)
                for c in info.chains:
                    c.problem = c.problem or _VARIABLE_REPORTED
        refused = [c.outer for c in chains if c.problem is not None]
        for chain in chains:
            if any(outer is not chain.outer and self._inside(chain.root, outer) for outer in refused):
                continue  # inside a chain left as it is: leave it too
            if chain.problem is not None:
                if chain.problem != _VARIABLE_REPORTED:
                    self.report(chain.root, chain.problem, chain.fix or "rewrite it by hand with `select()` (rules §2)", UNSUPPORTED)
                    if executable:
                        self._left(chain.root, chain.problem)
                continue
            if not executable and (chain.executes or chain.var is not None or chain.usage == "assign"):
                continue  # the plan reports why this code cannot await; it stays a Query
            self._convert[chain.outer] = chain

    def _left(self, node: cst.CSTNode, problem: str) -> None:
        left: dict[str, tuple[int, str]] = self.context.scratch.setdefault(LEFT_QUERIES, {})
        left.setdefault(self.scope_qualname, (self.line_of(node), problem))

    def _inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        cur: cst.CSTNode | None = node
        while cur is not None:
            if cur is outer:
                return True
            cur = self._parent(cur)
        return False

    def _known_names(self, fn: cst.FunctionDef) -> dict[str, str]:
        """Names whose kind in a select list is known from their assignment, in this function or at
        module level: ``aliased(...)`` → "entity"; a scalar subquery, label, EXISTS or SQL function
        (``n = db.query(...).scalar_subquery()``, ``top = func.max(...).label("top")``) → "column".
        A name assigned both ways, or anything else, stays unknown."""
        if self._module_kinds is None:  # module level: once per module, not once per function
            self._module_kinds = {}
            for statement in self.module.body:
                if isinstance(statement, cst.SimpleStatementLine):
                    _assigned_kinds(statement, self._module_kinds)
        kinds = {name: set(k) for name, k in self._module_kinds.items()}
        _assigned_kinds(fn, kinds)
        known = {name: next(iter(k)) for name, k in kinds.items() if len(k) == 1 and "unknown" not in k}
        # a name or `self.x` shown to hold a class: a class in a select list is an entity
        if self._metaclasses is None:
            self._metaclasses = metaclass_aliases(self.module)
        scopes: list[cst.CSTNode] = []
        node: cst.CSTNode | None = fn
        while node is not None:
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                scopes.insert(0, node)
            node = self._parent(node)
        for name in class_valued(self.module, scopes, self._metaclasses):
            if name not in kinds:
                known[name] = "entity"
        return known

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- checks: the chain converts exactly, or it gets a problem --------------------------------
    def _check(self, chain: _QueryChain, known: dict[str, str], infos: dict[str, _VarInfo]) -> None:
        def refuse(problem: str, fix: str = "") -> None:
            chain.problem = chain.problem or problem
            chain.fix = chain.fix or fix

        for link in chain.links:
            if link.kind == "call" and link.name not in _BUILDERS and link.name not in _EXECUTED and link.name not in _STATEMENT:
                refuse(*_REFUSED.get(link.name, (f"`Query.{link.name}()` has no exact `select()` rewrite here", "")))
                return
            if link.kind == "attr" and link.name != "statement":
                refuse(f"`Query.{link.name}` has no exact `select()` rewrite here")
                return
        if chain.usage == "escape":
            if chain.var is None:
                refuse(
                    "the query object itself is used (returned, passed on or stored), not executed: "
                    "after the migration it would be a `Select`",
                    "execute it where it is built, or change its consumers to take a `select()`",
                )
            return  # a variable's escape is reported with the variable
        if chain.session is None:
            return  # a variable with no session query: reported with the variable
        terminal = chain.terminal
        steps = chain.steps
        # the select list
        select_list = list(chain.entities)
        if chain.var is None and any(a.star for a in chain.root.args):  # type: ignore[attr-defined]
            refuse("a starred select list: cannot tell entities from columns")
            return
        for link in steps:
            call = link.node
            assert isinstance(call, cst.Call)
            if link.name == "with_entities":
                select_list = _arg_values(call)
            elif link.name in ("add_columns", "add_entity"):
                select_list += _arg_values(call)
        kinds = [self._entity_kind(e, known) for e in select_list]
        if kinds == ["unknown"] and terminal is not None and terminal.name in _SHAPE_FREE:
            # `get()` and bulk `delete()`/`update()` run only on one entity (legacy raises otherwise),
            # and `count()` counts rows whatever they hold: the result does not depend on the shape
            kinds = ["entity"] if terminal.name != "count" else ["column"]
        if "unknown" in kinds or not kinds:
            bad = [self._code(e) for e, k in zip(select_list, kinds) if k == "unknown"]
            refuse(
                f"cannot tell whether {', '.join(f'`{b}`' for b in bad) or 'the select list'} is an ORM entity "
                "or a column: the result shape (objects or rows) depends on it (rules §2.0 Rule S)"
            )
            return
        chain.s1 = len(kinds) == 1 and kinds[0] == "entity"
        chain.has_entity = "entity" in kinds
        set_ops = [i for i, link in enumerate(steps) if link.name in _SET_OPS]
        if set_ops:
            if not self._check_set_op(chain, steps, set_ops, select_list, refuse, infos):
                return
        # builders
        joins: list[tuple[int, _Link]] = []
        for i, link in enumerate(steps):
            call = link.node
            assert isinstance(call, cst.Call)
            if link.name in ("filter", "where", "having") and any(_contains_text_call(a) for a in call.args):
                refuse("`text()` criteria in a legacy query: check the textual SQL against the 2.x statement by hand")
                return
            if link.name in ("join", "outerjoin"):
                if not call.args or isinstance(call.args[0].value, (cst.SimpleString, cst.ConcatenatedString)):
                    refuse("a string join target: removed in 2.0 (rules §2.2)", "join to the relationship attribute (`User.addresses`)")
                    return
                joins.append((i, link))
            if link.name == "execution_options" and any(a.keyword is not None and a.keyword.value == "yield_per" for a in call.args):
                refuse(*_REFUSED["yield_per"])
                return
            if link.name == "yield_per":
                if not self._streams(chain, call):
                    refuse(*_REFUSED["yield_per"])
                    return
                chain.streamed = True
            if link.name == "populate_existing" and call.args:
                refuse("`populate_existing()` with arguments")
                return
            if link.name == "filter_by":
                if any(a.keyword is None for a in call.args):
                    refuse("`filter_by(**kwargs)`: the keys are not known", "write explicit `.where(M.k == v)` criteria")
                    return
                target = self._filter_by_target(chain, steps[:i], joins, known, infos)
                if target is None:
                    refuse(
                        "`filter_by()` whose target entity cannot be named (its last join is not a plain entity, "
                        "or it follows `select_from`/`with_entities`); 2.1 `Select.filter_by` searches every "
                        "FROM entity, legacy `filter_by` only the last joined one (rules §2.2 [2.1])",
                        "write explicit `.where(Entity.k == v)` criteria",
                    )
                    return
                chain.filter_by_targets[i] = target
        chain.has_options = any(s.name == "options" for s in steps) or bool(
            chain.var is not None and infos[chain.var].has_options
        )
        if terminal is None:
            return
        if terminal.kind == "index":
            sub = terminal.node
            assert isinstance(sub, cst.Subscript)
            if len(sub.slice) != 1:
                refuse("a multi-element subscript on a query")
                return
            elem = sub.slice[0].slice
            if isinstance(elem, cst.Index):
                if _is_negative_literal(elem.value) or elem.star is not None:
                    refuse("a negative index on a query raises IndexError in legacy SQLAlchemy", "index the list of results")
            elif isinstance(elem, cst.Slice):
                if elem.step is not None:
                    refuse("a slice with a step on a query", "slice the list of results")
                elif _is_negative_literal(elem.lower) or _is_negative_literal(elem.upper):
                    refuse("a negative slice bound on a query raises IndexError in legacy SQLAlchemy")
                else:
                    lo, hi = _int_literal(elem.lower), _int_literal(elem.upper)
                    if lo is not None and hi is not None and hi - lo <= 0:
                        refuse("an empty literal slice: legacy returns [] without a query, `Select.slice` would not")
            return
        call = terminal.node
        if terminal.kind == "attr":
            return
        assert isinstance(call, cst.Call)
        if terminal.name in ("all", "first", "one", "one_or_none", "scalar", "count", "exists", "scalar_subquery", "as_scalar") and call.args:
            refuse(f"`{terminal.name}()` with arguments")
        elif terminal.name == "get":
            self._check_get(chain, refuse)
        elif terminal.name in ("delete", "update"):
            self._check_bulk(chain, refuse)

    def _streams(self, chain: _QueryChain, call: cst.Call) -> bool:
        """``for x in db.query(M)....yield_per(n):`` in a function made async streams exactly:
        ``async for x in await db.stream_scalars(select(M)....execution_options(yield_per=n)):``
        (``stream()`` for rows). Legacy ``yield_per`` turns uniquing off, so no ``.unique()``: 2.x
        refuses ``unique()`` with ``yield_per``, and joined eager collections fail alike on both
        sides (rules §2.0, §5 iter). Only the iterable of a ``for`` statement, built in place."""
        parent = self._parent(chain.outer)
        return (
            chain.usage == "iter"
            and isinstance(parent, cst.For)
            and chain.var is None
            and chain.set_op is None
            and len(call.args) == 1
            and call.args[0].keyword is None
            and not call.args[0].star
            and sum(link.name == "yield_per" for link in chain.links) == 1
        )

    def _check_set_op(
        self,
        chain: _QueryChain,
        steps: Sequence[_Link],
        set_ops: list[int],
        select_list: Sequence[cst.BaseExpression],
        refuse: Callable[..., None],
        infos: dict[str, _VarInfo],
    ) -> bool:
        """``q1.union(q2, ...)`` converts to ``select(aliased(M, union(s1, s2).subquery()))``: legacy
        ``Query._set_op`` wraps the compound in a subquery and adapts the entity to it, which is what
        an ``aliased`` entity does (rules §2.2). Only one entity named by its class, or plain columns of
        one, one set operation, and later builders whose entity references can be re-pointed at the alias."""
        i = set_ops[0]
        name = steps[i].name
        call = cst.ensure_type(steps[i].node, cst.Call)
        entity = _set_op_entity(chain.s1, [dotted(e) for e in select_list])
        if entity is None:
            refuse(
                f"`Query.{name}()` of several entities, or of columns not all of one entity: each entity "
                "must be aliased to the compound (a plain `union()` keys rows by column name, legacy by attribute)",
                _SET_OP_FIX,
            )
            return False
        if len(set_ops) > 1:
            refuse(f"more than one `Query.{name}()` in a chain: each wraps the one before in a subquery", _SET_OP_FIX)
            return False
        if chain.usage == "assign" or (chain.usage == "argument" and chain.terminal is None):
            refuse(
                f"a `Query.{name}()` kept as a query: later criteria on it would need the aliased entity",
                "execute it where it is built, or rewrite with `aliased(M, union(...).subquery())` by hand",
            )
            return False
        if not call.args or any(a.keyword is not None or a.star for a in call.args):
            refuse(f"`Query.{name}()` without plain query arguments", _SET_OP_FIX)
            return False
        earlier = list(steps[:i])
        todo, seen = [chain.var] if chain.var is not None else [], set()
        while todo:  # the receiver variable's builders, and those of the variables it is built from
            var = todo.pop()
            if var in seen or var not in infos:
                continue
            seen.add(var)
            for c in infos[var].chains:
                if c.usage == "assign":
                    earlier += c.steps
                    todo += [c.var] if c.var is not None else []
        for step in earlier:
            if step.name in _KEPT_BY_SET_OP:
                # ``Query._from_selectable`` drops criteria, order, limits and joins from the wrapping
                # query, but keeps options, execution options and FOR UPDATE: they would have to be
                # repeated on the alias.
                refuse(
                    f"`{step.name}()` before `Query.{name}()`: legacy applies it to the wrapping query too",
                    _SET_OP_FIX,
                )
                return False
        for later in steps[i + 1 :]:
            if later.name not in _AFTER_SET_OP:
                refuse(f"`{later.name}()` after `Query.{name}()`: not rewritten", _SET_OP_FIX)
                return False
            nested = m.Call(func=m.Name("select") | m.Attribute(attr=m.Name("query") | m.Name("select")))
            if any(m.findall(a, nested) for a in cst.ensure_type(later.node, cst.Call).args):
                # Whether legacy adapts the entity inside a nested query is not checked: left alone.
                refuse(f"a nested query in `{later.name}()` after `Query.{name}()`", _SET_OP_FIX)
                return False
        chain.set_op, chain.set_entity = i, entity
        chain.set_columns = [self._code(e) for e in select_list]
        later_refs = any(
            self._refers_to(a, entity) for later in steps[i + 1 :] for a in cst.ensure_type(later.node, cst.Call).args
        )
        if later_refs or len(select_list) > 1:
            # ``q1.union(q2).order_by(User.id)``: legacy adapts ``User.id`` to the subquery; the 2.x
            # statement must name the alias, bound with ``:=`` (a comprehension's iterable cannot);
            # so must ``select(ua.id, ua.name)`` for ``query(User.id, User.name)``.
            if self._in_comprehension(chain.outer):
                refuse(
                    f"criteria after `Query.{name}()` in a comprehension: the alias they need cannot be bound there",
                    _SET_OP_FIX,
                )
                return False
            chain.set_alias = ""  # named in _check_set_ops, once the function's names are known
        return True

    @staticmethod
    def _refers_to(node: cst.CSTNode, entity: str) -> bool:
        return any(dotted(n) == entity for n in m.findall(node, m.Name() | m.Attribute()))

    def _in_comprehension(self, node: cst.CSTNode) -> bool:
        cur = self._parent(node)
        while cur is not None and not isinstance(cur, (cst.FunctionDef, cst.Module)):
            if isinstance(cur, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Lambda)):
                return True
            cur = self._parent(cur)
        return False

    def _check_set_ops(self, chains: list[_QueryChain], infos: dict[str, _VarInfo], scope: _Scope) -> None:
        """The members of a ``union()``: query chains (or query variables) with no terminal, on the
        same session, selecting the same entity as the chain they join. A member of a refused union,
        or a query handed to a ``union`` that is not a converted chain's, is refused (it stays a
        ``Query``, as its consumer does)."""
        owners: dict[int, _QueryChain] = {}
        for chain in chains:
            if chain.set_op is not None:
                owners[id(chain.links[chain.set_op].node)] = chain
        used = {n.value for n in scope.names} | scope.nested_names
        members: dict[int, list[_QueryChain]] = {}
        for chain in chains:
            consumer = self._consumer(chain) if chain.usage == "argument" else None
            if consumer is None or _callee_name(consumer) not in _SET_OPS:
                continue
            owner = owners.get(id(consumer))
            if owner is None:
                chain.problem = chain.problem or "a query handed to a `union()` that is not converted"
                chain.fix = chain.fix or _SET_OP_FIX
                continue
            members.setdefault(id(owner), []).append(chain)
            if chain.problem is None and (
                chain.terminal is not None
                or [self._code(e) for e in chain.entities] != owner.set_columns
                or any(s.name in ("with_entities", "add_columns", "add_entity", *_SET_OPS) for s in chain.links)
                or chain.session is None
                or owner.session is None
                or self._code(chain.session) != self._code(owner.session)
            ):
                chain.problem = (
                    f"a `union()` member that does not select `{', '.join(owner.set_columns)}` from the same session"
                )
                chain.fix = _SET_OP_FIX
        for chain in chains:
            if chain.set_op is None:
                continue
            call = cst.ensure_type(chain.links[chain.set_op].node, cst.Call)
            mine = members.get(id(chain), [])
            if len(mine) != len(call.args) or any(
                c.problem or (c.var is not None and (infos[c.var].problem or any(x.problem for x in infos[c.var].chains)))
                for c in mine
            ):
                chain.problem = chain.problem or "a `union()` member that cannot be converted exactly"
                chain.fix = chain.fix or _SET_OP_FIX
            if chain.problem is not None:
                for member in mine:
                    member.problem = member.problem or "a member of a `union()` left as a legacy query"
                continue
            if chain.set_alias is not None:
                base = chain.set_entity.rsplit(".", 1)[-1].lower() + "_union"
                alias, n = base, 1
                while alias in used:
                    n += 1
                    alias = f"{base}{n}"
                used.add(alias)
                chain.set_alias = alias

    def _consumer(self, chain: _QueryChain) -> cst.Call | None:
        arg = self._parent(chain.outer)
        call = self._parent(arg) if isinstance(arg, cst.Arg) else None
        return call if isinstance(call, cst.Call) else None

    def _filter_by_target(
        self,
        chain: _QueryChain,
        before: Sequence[_Link],
        joins: list[tuple[int, _Link]],
        known: dict[str, str],
        infos: dict[str, _VarInfo],
    ) -> str | None:
        """The entity ``filter_by`` targets, as code: the last join's target, else the queried entity."""
        if any(s.name in ("select_from", "with_entities") for s in before):
            return None
        if joins:
            target = joins[-1][1].node.args[0].value  # type: ignore[attr-defined]
            text = dotted(target)
            return text if text is not None and self._entity_kind(target, known) == "entity" else None
        if chain.var is not None and infos[chain.var].has_join:
            return None  # joined in another statement: order is not tracked
        if not chain.entities:
            return None
        first = chain.entities[0]
        text = dotted(first)
        if text is None:
            return None
        kind = self._entity_kind(first, known)
        if kind == "entity":
            return text
        if kind == "column" and "." in text:
            head = text.rsplit(".", 1)[0]
            return head if self._entity_kind(cst.parse_expression(head), known) == "entity" else None
        return None

    def _check_get(self, chain: _QueryChain, refuse: Callable[..., None]) -> None:
        assert chain.terminal is not None
        call = cst.ensure_type(chain.terminal.node, cst.Call)
        if chain.var is not None or not chain.s1 or len(chain.entities) != 1:
            refuse("`get()` on a query that is not a bare `session.query(Model)`")
            return
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            refuse("`get()` with other than one positional primary key")
            return
        for step in chain.steps:
            if step.name not in ("options", "populate_existing"):
                refuse(
                    f"`get()` after `{step.name}()`: `Session.get` takes no criteria (rules §5 get)",
                    "use `session.get(M, pk)` and check the criteria on the object, or select with `.where()`",
                )
                return

    def _check_bulk(self, chain: _QueryChain, refuse: Callable[..., None]) -> None:
        terminal = chain.terminal
        assert terminal is not None
        call = terminal.node
        assert isinstance(call, cst.Call)
        if chain.var is not None:
            # The variable holds a ``select()`` after the rewrite: there is no entity to build
            # ``delete(M)``/``update(M)`` from here, and its criteria are in another statement.
            refuse(
                f"bulk `{terminal.name}()` on a query kept in a variable",
                f"build `{terminal.name}(Model).where(...)` with the query's criteria where it runs",
            )
            return
        if not chain.s1 or len(chain.entities) != 1:
            refuse(f"bulk `{terminal.name}()` on a query that does not select exactly one entity")
            return
        for step in chain.steps:
            if step.name in ("join", "outerjoin"):
                refuse(
                    f"bulk `{terminal.name}()` after a join (rules §5 delete/update)",
                    "express the join as a correlated subquery in `.where()`",
                )
                return
            if step.name not in ("filter", "where", "filter_by"):
                refuse(f"bulk `{terminal.name}()` after `{step.name}()`: legacy ignores or rejects it")
                return
        allowed = ["synchronize_session"] if terminal.name == "delete" else ["values", "synchronize_session"]
        positional = [a for a in call.args if a.keyword is None]
        if any(a.star for a in call.args) or len(positional) > len(allowed):
            refuse(f"bulk `{terminal.name}()` with unexpected arguments")
            return
        for a in call.args:
            if a.keyword is not None and a.keyword.value not in allowed:
                refuse(f"bulk `{terminal.name}({a.keyword.value}=...)`: not rewritten")
                return
        if terminal.name == "update" and not any(
            (a.keyword is None and i == 0) or (a.keyword is not None and a.keyword.value == "values")
            for i, a in enumerate(call.args)
        ):
            refuse("bulk `update()` without values")

    # -- rewriting -----------------------------------------------------------------------------
    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        chain = self._convert.get(original_node.iter)
        if chain is not None and chain.streamed:
            return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def _replace(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        chain = self._convert.get(original)
        if chain is None:
            return updated
        renderer = _Renderer(chain, updated)
        new = renderer.render()
        for module, name in renderer.imports:
            AddImportsVisitor.add_needed_import(self.context, module, name)
        self.changed = True
        if updated.lpar and not chain.streamed:  # a stream call's own brackets hold the line breaks
            new = new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        missing = self.module.code_for_node(updated).count("\n") - self.module.code_for_node(new).count("\n")
        return _keep_line_count(new, missing)


# -- rendering ----------------------------------------------------------------------------------
def _attr_call(value: cst.BaseExpression, name: str, args: Sequence[cst.Arg] = ()) -> cst.Call:
    return cst.Call(func=cst.Attribute(value=value, attr=cst.Name(name)), args=list(args))


def _needs_parens(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.BooleanOperation, cst.IfExp, cst.Lambda, cst.NamedExpr, cst.Comparison)) or (
        isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)
    )


def _paren(node: cst.BaseExpression) -> cst.BaseExpression:
    if _needs_parens(node) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value`` with no spaces around ``=``."""
    return cst.Arg(
        value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def _bare(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)


class _Renderer:
    """Builds the 2.x expression for one analysed chain from its *updated* nodes (rules §5).

    Builder calls are the user's own nodes with a new receiver (and name), so their whitespace and
    line breaks stay; the terminal's line break moves to the first call appended after it. Report
    lines of the transformers after this one depend on the line count staying the same
    (``_keep_line_count`` pads what a reshaped call could not keep).
    """

    def __init__(self, chain: _QueryChain, updated_outer: cst.BaseExpression) -> None:
        self.chain = chain
        self.imports: list[tuple[str, str]] = []  # (module, name)
        # The updated counterparts of the root and of every link (same structure as the original).
        nodes: list[cst.BaseExpression] = []
        cur = updated_outer
        for link in reversed(chain.links):
            nodes.append(cur)
            cur = cst.ensure_type(cur, cst.Call).func if link.kind == "call" else cur
            cur = cst.ensure_type(cur, (cst.Attribute, cst.Subscript)).value  # type: ignore[arg-type]
        nodes.reverse()
        self.link_nodes = nodes
        #: The ``X.query(...)`` call for a session root; None for a variable.
        self.root_call: cst.Call | None = cur if isinstance(cur, cst.Call) else None
        #: The select list for a session root.
        self.root_args: Sequence[cst.Arg] = self.root_call.args if self.root_call is not None else ()
        self.session: cst.BaseExpression = cst.Name("_")
        if self.root_call is not None:
            self.session = cst.ensure_type(self.root_call.func, cst.Attribute).value
        elif chain.session is not None:
            self.session = chain.session.deep_clone()
        last = nodes[-1] if nodes else None
        #: The terminal's ``.`` (with any line break before it), for the first call appended.
        self._dot: cst.Dot | None = (
            cst.ensure_type(last.func, cst.Attribute).dot
            if chain.terminal is not None and chain.terminal.kind == "call" and isinstance(last, cst.Call)
            else None
        )

    def _import(self, name: str, module: str = "sqlalchemy") -> cst.Name:
        if (module, name) not in self.imports:
            self.imports.append((module, name))
        return cst.Name(name)

    def _on(self, value: cst.BaseExpression, name: str, args: Sequence[cst.Arg] = ()) -> cst.Call:
        """``value.name(args)``; the first such call takes the terminal's ``.`` and line break."""
        dot, self._dot = self._dot or cst.Dot(), None
        return cst.Call(func=cst.Attribute(value=value, attr=cst.Name(name), dot=dot), args=list(args))

    # -- the statement ---------------------------------------------------------------------------
    def statement(self, upto: int) -> cst.BaseExpression:
        """The ``select()`` (or the query variable) with the builders of ``links[:upto]`` applied."""
        stmt: cst.BaseExpression = (
            self.root_call.with_changes(func=self._import("select"))
            if self.root_call is not None
            else cst.Name(cst.ensure_type(self.chain.var, str))
        )
        for i in range(upto):
            stmt = self._builder(stmt, i)
        return stmt

    def _builder(self, stmt: cst.BaseExpression, i: int) -> cst.Call:
        link = self.chain.links[i]
        # The chain's own parentheses go around the whole new expression (``_replace``), not here.
        call = cst.ensure_type(self.link_nodes[i], cst.Call).with_changes(lpar=[], rpar=[])
        func = cst.ensure_type(call.func, cst.Attribute)
        if link.name in _SET_OPS:
            return self._set_op(stmt, link.name, call)
        if link.name == "yield_per":
            return call.with_changes(
                func=func.with_changes(value=stmt, attr=cst.Name("execution_options")),
                args=[_kwarg("yield_per", call.args[0].value)],
            )
        chain = self.chain
        if chain.set_op is not None and i > chain.set_op and chain.set_alias:
            call = cst.ensure_type(call.visit(_Repoint(chain.set_entity, chain.set_alias)), cst.Call)
        if link.name == "filter_by":
            entity = self.chain.filter_by_targets[i]
            criteria = [
                a.with_changes(
                    keyword=None,
                    equal=cst.MaybeSentinel.DEFAULT,
                    value=cst.Comparison(
                        left=cst.Attribute(
                            value=cst.parse_expression(entity), attr=cst.ensure_type(a.keyword, cst.Name)
                        ),
                        comparisons=[cst.ComparisonTarget(cst.Equal(), _paren(a.value))],
                    ),
                )
                for a in call.args
            ]
            return call.with_changes(func=func.with_changes(value=stmt, attr=cst.Name("where")), args=criteria)
        if link.name == "populate_existing":
            return call.with_changes(
                func=func.with_changes(value=stmt, attr=cst.Name("execution_options")),
                args=[_kwarg("populate_existing", cst.Name("True"))],
            )
        return call.with_changes(func=func.with_changes(value=stmt, attr=cst.Name(_RENAMED_BUILDERS[link.name])))

    def _set_op(self, stmt: cst.BaseExpression, name: str, call: cst.Call) -> cst.Call:
        """``select(aliased(M, union(stmt, *members).subquery()))``, the alias bound with ``:=`` when
        later builders name it (rules §2.2: legacy wraps the compound and adapts the entity)."""
        compound = cst.Call(
            func=self._import(name),
            args=[cst.Arg(stmt, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), *call.args],
        )
        alias: cst.BaseExpression = cst.Call(
            func=self._import("aliased", "sqlalchemy.orm"),
            args=[
                cst.Arg(cst.parse_expression(self.chain.set_entity), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(_attr_call(compound, "subquery")),
            ],
        )
        if self.chain.set_alias:
            alias = cst.NamedExpr(target=cst.Name(self.chain.set_alias), value=alias)
        if self.chain.s1:
            return cst.Call(func=self._import("select"), args=[cst.Arg(alias)])
        # Columns of the entity, read through its alias: ``select((ua := aliased(...)).id, ua.name)``.
        columns: list[cst.Arg] = []
        for n, column in enumerate(self.chain.set_columns):
            attr = cst.Name(column.rsplit(".", 1)[1])
            if n == 0:
                value = alias.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if self.chain.set_alias else alias
            else:
                value = cst.Name(cst.ensure_type(self.chain.set_alias, str))
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if n < len(self.chain.set_columns) - 1 else cst.MaybeSentinel.DEFAULT
            columns.append(cst.Arg(cst.Attribute(value=value, attr=attr), comma=comma))
        return cst.Call(func=self._import("select"), args=columns)

    # -- results ---------------------------------------------------------------------------------
    def _execute(self, stmt: cst.BaseExpression) -> cst.Call:
        return _attr_call(self.session, "execute", [cst.Arg(stmt)])

    def _unique(self, result: cst.BaseExpression, terminal: str) -> cst.BaseExpression:
        """Rule U: ``.unique()`` whenever an ORM entity is selected, unless duplicates are impossible."""
        if self.chain.has_entity and not _duplicates_impossible(terminal, self.chain.has_options):
            return self._on(result, "unique")
        return result

    def _rows(self, res: cst.BaseExpression) -> cst.BaseExpression:
        """Every result: ``.scalars().all()`` for S1, ``.all()`` (rows) for S2."""
        return _attr_call(self._on(res, "scalars"), "all") if self.chain.s1 else self._on(res, "all")

    def render(self) -> cst.BaseExpression:
        chain = self.chain
        terminal = chain.terminal
        if terminal is None:
            stmt = self.statement(len(chain.links))
            if chain.streamed:
                return _attr_call(self.session, "stream_scalars" if chain.s1 else "stream", [cst.Arg(stmt)])
            if chain.usage == "iter":
                res = self._unique(self._execute(stmt), "iter")
                return self._on(res, "scalars") if chain.s1 else res
            return stmt  # assigned to a query variable, or handed to in_()/exists()
        stmt = self.statement(len(chain.links) - 1)
        last = self.link_nodes[-1]
        if terminal.kind == "attr":  # .statement
            return stmt
        if terminal.kind == "index":
            return self._index(stmt, cst.ensure_type(last, cst.Subscript))
        call = cst.ensure_type(last, cst.Call)
        name = terminal.name
        if name in _STATEMENT:
            func = cst.ensure_type(call.func, cst.Attribute)
            return call.with_changes(func=func.with_changes(value=stmt, attr=cst.Name(_STATEMENT[name])))
        if name == "first":
            res = self._unique(self._execute(self._on(stmt, "limit", [cst.Arg(cst.Integer("1"))])), "first")
            return _attr_call(_attr_call(res, "scalars"), "first") if chain.s1 else _attr_call(res, "first")
        if name == "all":
            return self._rows(self._unique(self._execute(stmt), "all"))
        if name in ("one", "one_or_none"):
            res = self._unique(self._execute(stmt), name)
            return self._on(res, f"scalar_{name}" if chain.s1 else name)
        if name == "scalar":
            if self._lone_exists():
                # ``query(q.exists()).scalar()`` → ``session.scalar(select(stmt.exists()))`` (§5 exists):
                # an EXISTS select returns exactly one row.
                return _attr_call(self.session, "scalar", [cst.Arg(stmt)])
            return self._on(self._unique(self._execute(stmt), "scalar"), "scalar_one_or_none")
        if name == "count":
            counted = cst.Call(func=cst.Attribute(value=self._import("func"), attr=cst.Name("count")))
            sel = _attr_call(
                cst.Call(func=self._import("select"), args=[cst.Arg(counted)]),
                "select_from",
                [cst.Arg(self._on(stmt, "subquery"))],
            )
            return _attr_call(self.session, "scalar", [cst.Arg(sel)])
        if name == "get":
            return self._get(call)
        if name in ("delete", "update"):
            return self._bulk(name, call)
        raise AssertionError(name)

    def _index(self, stmt: cst.BaseExpression, sub: cst.Subscript) -> cst.BaseExpression:
        """``q[n]`` → ``….offset(n).limit(1)`` + ``.all()[0]``; ``q[a:b]`` → ``.slice(a, b)`` + ``.all()``."""
        elem = sub.slice[0].slice
        if isinstance(elem, cst.Index):
            stmt = _attr_call(_attr_call(stmt, "offset", [cst.Arg(elem.value)]), "limit", [cst.Arg(cst.Integer("1"))])
            rows = self._rows(self._unique(self._execute(stmt), "index"))
            return cst.Subscript(value=rows, slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        elem = cst.ensure_type(elem, cst.Slice)
        if elem.lower is not None and elem.upper is not None:
            stmt = _attr_call(stmt, "slice", [cst.Arg(elem.lower), cst.Arg(elem.upper)])
        elif elem.upper is not None:
            stmt = _attr_call(stmt, "limit", [cst.Arg(elem.upper)])
        elif elem.lower is not None:
            stmt = _attr_call(stmt, "offset", [cst.Arg(elem.lower)])
        return self._rows(self._unique(self._execute(stmt), "slice"))

    def _lone_exists(self) -> bool:
        """``session.query(<an EXISTS>).scalar()`` with nothing in between."""
        if self.chain.var is not None or len(self.chain.links) != 1 or len(self.root_args) != 1:
            return False
        value = self.root_args[0].value
        return isinstance(value, cst.Call) and _callee_name(value) == "exists"

    def _get(self, call: cst.Call) -> cst.BaseExpression:
        """``session.get(M, pk[, options=[...]][, populate_existing=True])``."""
        args = [_bare(self.root_args[0]), _bare(call.args[0])]
        options: list[cst.BaseExpression] = []
        populate = False
        for link, node in zip(self.chain.links[:-1], self.link_nodes[:-1]):
            if link.name == "options":
                options += [a.value for a in cst.ensure_type(node, cst.Call).args]
            elif link.name == "populate_existing":
                populate = True
        if options:
            args.append(_kwarg("options", cst.List([cst.Element(o) for o in options])))
        if populate:
            args.append(_kwarg("populate_existing", cst.Name("True")))
        return _attr_call(self.session, "get", args)

    def _bulk(self, name: str, call: cst.Call) -> cst.BaseExpression:
        """``session.execute(delete(M).where(...)…)`` / ``update(M).where(...).values(v)…``, ``.rowcount``."""
        stmt: cst.BaseExpression = cst.Call(func=self._import(name), args=[_bare(self.root_args[0])])
        for i in range(len(self.chain.links) - 1):  # filter/filter_by only (checked): each a where()
            stmt = self._builder(stmt, i)
        positional = [a for a in call.args if a.keyword is None]
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        if name == "update":
            values = positional[0].value if positional else keywords["values"]
            stmt = self._on(stmt, "values", [cst.Arg(values)])
            sync = positional[1].value if len(positional) > 1 else keywords.get("synchronize_session")
        else:
            sync = positional[0].value if positional else keywords.get("synchronize_session")
        if sync is not None:
            stmt = self._on(stmt, "execution_options", [_kwarg("synchronize_session", sync)])
        return cst.Attribute(value=self._execute(stmt), attr=cst.Name("rowcount"))


def _set_op_entity(s1: bool, items: list[str | None]) -> str | None:
    """The one entity a set operation's select list reads: ``User`` (S1), or ``User`` for ``User.id,
    User.name`` (plain attributes of one class); else None."""
    if s1:
        return items[0] if len(items) == 1 and items[0] is not None and _class_like(items[0]) else None
    heads = set()
    for item in items:
        if item is None or "." not in item:
            return None
        head, attr = item.rsplit(".", 1)
        if not _class_like(head) or attr in ("c", "columns") or not attr.isidentifier():
            return None
        heads.add(head)
    return heads.pop() if len(heads) == 1 else None


class _Repoint(cst.CSTTransformer):
    """``User.x`` → ``alias.x`` in a builder's arguments (where legacy adapted the entity)."""

    def __init__(self, entity: str, alias: str) -> None:
        super().__init__()
        self.entity, self.alias = entity, alias

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return cst.Name(self.alias) if original_node.value == self.entity else updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if dotted(original_node) == self.entity:
            return cst.Name(self.alias, lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node.with_changes(attr=original_node.attr)  # ``x.User``: an attribute, kept

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)


def _keep_line_count(new: cst.BaseExpression, missing: int) -> cst.BaseExpression:
    """Put ``missing`` line breaks back, right after the opening parenthesis of the outermost call
    with arguments (always inside brackets, so always legal; black folds them away)."""
    if missing <= 0:
        return new
    if isinstance(new, cst.Call) and new.args:
        return new.with_changes(
            whitespace_before_args=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(),
                empty_lines=[cst.EmptyLine(indent=False)] * (missing - 1),
                indent=True,
                last_line=cst.SimpleWhitespace(""),
            )
        )
    if isinstance(new, cst.Call):
        return new.with_changes(func=_keep_line_count(new.func, missing))
    if isinstance(new, (cst.Attribute, cst.Subscript)):
        return new.with_changes(value=_keep_line_count(new.value, missing))
    return new


def _duplicates_impossible(terminal: str, has_options: bool) -> bool:
    """Where Rule U's ``.unique()`` can be left out: only ``first()`` without ``options(...)``.

    ``first()`` runs ``LIMIT 1``: one row, so one object; ``Result.first()`` also skips the
    unique check a joined eager collection needs (rules §2.0). With ``options(...)`` (possibly
    ``joinedload``) we keep ``.unique()`` anyway. Every other terminal keeps it whenever an ORM entity
    is selected, even with no join in sight: a mapper-level ``lazy="joined"`` collection, invisible
    from the query, duplicates rows and makes 2.x raise without ``.unique()``.
    """
    return terminal == "first" and not has_options
