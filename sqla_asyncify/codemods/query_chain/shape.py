"""The shape rules: whether a parsed chain converts exactly, and how its result is read (rules §2, §5).

Rule S (rules §2.0): a select list of exactly one ORM entity reads ``.scalars()`` /
``scalar_one*()`` (S1), anything else reads rows (S2); a list whose items cannot be told entity
from column is refused (``_entity_kind``, with the names whose kind their assignment tells and
those shown to hold a class, ``_known_names``; ``count``/``get``/bulk forms need no shape). Rule U: ``.unique()`` whenever an ORM entity is selected, unless duplicates are
impossible (``_duplicates_impossible``). Set operations, ``filter_by`` targets, ``get`` and bulk
forms, subscripts and ``yield_per`` streaming are checked here. A chain that does not convert
exactly gets a ``problem`` and a ``fix``; the transformer reports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst
import libcst.matchers as m

from ...class_values import class_valued, metaclass_aliases
from ...names import dotted
from ...walk import contains, descendants, find_all
from .model import (
    _AFTER_SET_OP,
    _BUILDERS,
    _COLUMN_CALLS,
    _ENTITY_CALLS,
    _EXECUTED,
    _KEPT_BY_SET_OP,
    _REFUSED,
    _SET_OP_FIX,
    _SHAPE_FREE,
    _SET_OPS,
    _STATEMENT,
    _arg_values,
    _callee_name,
    _class_like,
    _Link,
    _QueryChain,
    _VarInfo,
)
from .parse import ChainParsing, _Scope


#: Links on a query another function hands back that need its entities named here (``filter_by``
#: targets, a new select list, ``get``/bulk forms, set operations) or stream it: refused.
_NOT_ACROSS_FUNCTIONS = frozenset(
    {"with_entities", "add_columns", "add_entity", "filter_by", "yield_per", "get", "delete", "update", *_SET_OPS}
)


def _is_negative_literal(node: cst.BaseExpression | None) -> bool:
    return m.matches(node, m.UnaryOperation(operator=m.Minus())) if node is not None else False


def _int_literal(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    return None


def _assigned_kinds(scope: cst.CSTNode, kinds: dict[str, set[str]]) -> None:
    """Add to ``kinds`` what each ``name = call(...)`` in ``scope`` makes ``name`` in a select list."""
    for assign in find_all(scope, lambda n: isinstance(n, cst.Assign) and isinstance(n.value, cst.Call)):
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


def _named(func: cst.BaseExpression, names: tuple[str, ...], attrs: tuple[str, ...] | None = None) -> bool:
    """``func`` is a ``Name`` in ``names`` or an attribute access whose name is in ``attrs``
    (default: ``names``) — the matcher ``m.Name(a) | m.Attribute(attr=m.Name(b))``."""
    if isinstance(func, cst.Name):
        return func.value in names
    return isinstance(func, cst.Attribute) and func.attr.value in (names if attrs is None else attrs)


def _is_nested_query(node: cst.CSTNode) -> bool:
    """``select(...)``, ``x.query(...)`` or ``x.select(...)``."""
    return isinstance(node, cst.Call) and _named(node.func, ("select",), ("query", "select"))


def _contains_text_call(node: cst.CSTNode) -> bool:
    return contains(node, lambda n: isinstance(n, cst.Call) and _named(n.func, ("text",)))


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


def _duplicates_impossible(terminal: str, has_options: bool) -> bool:
    """Where Rule U's ``.unique()`` can be left out: only ``first()`` without ``options(...)``.

    ``first()`` runs ``LIMIT 1``: one row, so one object; ``Result.first()`` also skips the
    unique check a joined eager collection needs (rules §2.0). With ``options(...)`` (possibly
    ``joinedload``) we keep ``.unique()`` anyway. Every other terminal keeps it whenever an ORM entity
    is selected, even with no join in sight: a mapper-level ``lazy="joined"`` collection, invisible
    from the query, duplicates rows and makes 2.x raise without ``.unique()``.
    """
    return terminal == "first" and not has_options


class ChainShape(ChainParsing):
    """The shape layer of ``QueryToSelect``: checks each parsed chain, filling its shape or its problem."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._module_kinds: dict[str, set[str]] | None = None
        self._metaclasses: frozenset[str] | None = None
        self._class_attributes: dict[int, set[str]] = {}  # class_values' cache, by class node

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
        for name in class_valued(self.module, scopes, self._metaclasses, self._class_attributes):
            if name not in kinds:
                known[name] = "entity"
        # a parameter every call site hands a project class (``count_rows(db, User)``)
        params = [*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params]
        for param in params:
            name = param.name.value
            if name not in kinds and self.plan.holds_classes(self.scope_qualname, name):
                known[name] = "entity"
        return known

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
        if chain.usage == "escape" or (chain.usage == "return" and not self._returning):
            if chain.var is None:
                refuse(
                    "the query object itself is used (returned, passed on or stored), not executed: "
                    f"after the migration it would be a `Select`{self._held_back(chain)}",
                    "execute it where it is built, or change its consumers to take a `select()`",
                )
            return  # a variable's escape is reported with the variable
        if chain.session is None:
            return  # a variable with no session query: reported with the variable
        terminal = chain.terminal
        steps = chain.steps
        # the select list
        select_list = list(chain.entities)
        if chain.builder is not None:
            # The query another function hands back: its select list is read there (``kinds``).
            # What needs the entities named here is not rewritten across functions.
            names = [link.name for link in chain.links if link.kind == "call"]
            bad = next((n for n in names if n in _NOT_ACROSS_FUNCTIONS), None)
            if bad is not None:
                refuse(
                    f"`{bad}()` on the query `{chain.builder}` hands back: not rewritten across functions",
                    f"apply it inside `{chain.builder}`, or rewrite both by hand with `select()`",
                )
                return
        elif chain.var is None and any(a.star for a in chain.root.args):  # type: ignore[attr-defined]
            refuse("a starred select list: cannot tell entities from columns")
            return
        for link in steps:
            call = link.node
            assert isinstance(call, cst.Call)
            if link.name == "with_entities":
                select_list = _arg_values(call)
            elif link.name in ("add_columns", "add_entity"):
                select_list += _arg_values(call)
        if chain.builder is not None and chain.kinds is not None:
            kinds = list(chain.kinds)
        else:
            kinds = [self._entity_kind(e, known) for e in select_list]
        if kinds == ["unknown"] and terminal is not None and terminal.name in _SHAPE_FREE:
            # `get()` and bulk `delete()`/`update()` run only on one entity (legacy raises otherwise),
            # and `count()` counts rows whatever they hold: the result does not depend on the shape
            kinds = ["entity"] if terminal.name != "count" else ["column"]
        if "unknown" in kinds or not kinds:
            bad = [self._code(e) for e, k in zip(select_list, kinds) if k == "unknown"]
            refuse(
                f"cannot tell whether {', '.join(f'`{b}`' for b in bad) or 'the select list'} is an ORM entity "
                "or a column: the result shape (objects or rows) depends on it"
            )
            return
        chain.kinds = tuple(kinds)
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
                    refuse("a string join target: removed in 2.0", "join to the relationship attribute (`User.addresses`)")
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
                        "FROM entity, legacy `filter_by` only the last joined one",
                        "write explicit `.where(Entity.k == v)` criteria",
                    )
                    return
                chain.filter_by_targets[i] = target
        chain.has_options = (
            any(s.name == "options" for s in steps)
            or bool(chain.var is not None and infos[chain.var].has_options)
            or chain.builder_options
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
            self._check_bulk(chain, refuse, infos)

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
        if chain.usage in ("assign", "return") or (chain.usage == "argument" and chain.terminal is None):
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
            if any(contains(a, _is_nested_query) for a in cst.ensure_type(later.node, cst.Call).args):
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
        return any(isinstance(n, (cst.Name, cst.Attribute)) and dotted(n) == entity for n in descendants(node))

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

    @staticmethod
    def _criteria_only(info: _VarInfo) -> bool:
        """Whether a query variable is ``session.query(M)`` with criteria only (at least one
        ``filter``/``where``/``filter_by``), every assignment of it: its ``select()``'s
        ``whereclause`` is then what legacy bulk ``delete()``/``update()`` on it would apply."""
        if info.has_join or info.linked - {info.name} or len(info.entities) != 1:
            return False
        assigned = [c for c in info.chains if c.usage == "assign"]
        steps = [link for c in assigned for link in c.links]
        return (
            bool(assigned)
            and all(c.var in (None, info.name) for c in assigned)
            and all(link.kind == "call" and link.name in ("filter", "where", "filter_by") for link in steps)
            and bool(steps)
        )

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
                    f"`get()` after `{step.name}()`: `Session.get` takes no criteria",
                    "use `session.get(M, pk)` and check the criteria on the object, or select with `.where()`",
                )
                return

    def _check_bulk(self, chain: _QueryChain, refuse: Callable[..., None], infos: dict[str, _VarInfo]) -> None:
        terminal = chain.terminal
        assert terminal is not None
        call = terminal.node
        assert isinstance(call, cst.Call)
        if chain.var is not None and not self._criteria_only(infos[chain.var]):
            # The variable holds a ``select()`` after the rewrite: ``delete(M)``/``update(M)`` takes
            # its criteria (``.where(q.whereclause)``) only when criteria are all it was built with.
            refuse(
                f"bulk `{terminal.name}()` on a query kept in a variable built with more than "
                "`filter()`/`filter_by()` criteria on one entity",
                f"build `{terminal.name}(Model).where(...)` with the query's criteria where it runs",
            )
            return
        if not chain.s1 or len(chain.entities) != 1:
            refuse(f"bulk `{terminal.name}()` on a query that does not select exactly one entity")
            return
        for step in chain.steps:
            if step.name in ("join", "outerjoin"):
                refuse(
                    f"bulk `{terminal.name}()` after a join",
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
