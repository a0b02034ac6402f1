"""The description of a legacy query chain: the builder and terminal tables, ``_Link``, ``_QueryChain``, ``_VarInfo``.

Pure data and the tables the other ``query_chain`` modules read; nothing here walks a syntax tree
beyond holding its nodes. Names keep their leading underscore: they are private to
``query-to-select`` (its transformer and this package).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

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
        "`Query.from_statement()`: its terminals differ from the plain chain (`first()` adds no LIMIT)",
        "rewrite with `select(M).from_statement(...)` by hand and check each terminal",
    ),
    "yield_per": (
        "`yield_per()` streams and turns off de-duplication: converted only as the iterable of a `for` "
        "statement (`async for` over `session.stream_scalars`); a buffered `execute()` would not match",
        "use `await session.stream(stmt.execution_options(yield_per=n))` with `async for`",
    ),
    "params": (
        "`params()` binds parameters at execution time",
        "pass them to `session.execute(stmt, {...})`",
    ),
}
#: Fix for a refused set operation.
_SET_OP_FIX = "use `ua = aliased(M, union(s1, s2).subquery())` and `select(ua)`, with later criteria on `ua`"
#: Builtins that iterate their first argument as soon as they are called (``enumerate`` lazily,
#: after ``iter()``): a query there runs where a ``for`` over it would, and yields the same items.
_ITERATING_BUILTINS = frozenset({"enumerate", "list", "tuple", "set", "sorted", "frozenset"})
#: Method names whose argument may be a plain (unexecuted) statement.
_STATEMENT_CONSUMERS = frozenset({"in_", "not_in", "notin_", "exists", *_SET_OPS})
#: Calls whose result, named, is a column expression in a select list.
_COLUMN_CALLS = frozenset(
    {"scalar_subquery", "as_scalar", "label", "exists", "literal", "literal_column", "cast", "case", "coalesce"}
)
#: Calls in a select list that denote an ORM entity rather than a column.
_ENTITY_CALLS = frozenset({"aliased", "with_polymorphic"})


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
    #: The chain is a statement of its own (``db.query(M).filter(...).delete()``): its value is unused.
    discarded: bool = False
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
