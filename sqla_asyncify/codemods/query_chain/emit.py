"""Emission: the 2.x expression for a chain that converts, built from its updated nodes (rules §5).

``_Renderer`` turns one checked ``_QueryChain`` into ``select(...)`` with its builders, executed
on the session and read per its shape (``.scalars().all()``, ``.scalar_one()``, ``session.get``,
``.rowcount``…), keeping the user's own builder nodes, whitespace and line count
(``_keep_line_count``). It decides nothing: what converts, and how, was settled by ``shape``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from ...names import dotted
from .model import _RENAMED_BUILDERS, _SET_OPS, _STATEMENT, _callee_name, _QueryChain
from .shape import _duplicates_impossible


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

    def __init__(
        self,
        chain: _QueryChain,
        updated_outer: cst.BaseExpression,
        spell: Callable[[str, str], tuple[str, str | None]] = lambda module, name: (name, None),
    ) -> None:
        self.chain = chain
        #: (module, name, alias or None) to import; ``spell`` names what the module can use.
        self.imports: list[tuple[str, str, str | None]] = []
        self._spell = spell
        # The updated counterparts of the root and of every link (same structure as the original).
        nodes: list[cst.BaseExpression] = []
        cur = updated_outer
        for link in reversed(chain.links):
            nodes.append(cur)
            cur = cst.ensure_type(cur, cst.Call).func if link.kind == "call" else cur
            cur = cst.ensure_type(cur, (cst.Attribute, cst.Subscript)).value  # type: ignore[arg-type]
        nodes.reverse()
        self.link_nodes = nodes
        #: The ``X.query(...)`` call for a session root; None for a variable or a builder's call.
        self.root_call: cst.Call | None = cur if isinstance(cur, cst.Call) and chain.builder is None else None
        #: A call of a function handing back a ``select()`` (``Plan.returned_queries``): the statement, as called.
        self.built: cst.BaseExpression | None = cur if chain.builder is not None and chain.var is None else None
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
        local, alias = self._spell(module, name)
        if local == name or alias is not None:
            if (module, name, alias) not in self.imports:
                self.imports.append((module, name, alias))
        return cst.Name(local)

    def _on(self, value: cst.BaseExpression, name: str, args: Sequence[cst.Arg] = ()) -> cst.Call:
        """``value.name(args)``; the first such call takes the terminal's ``.`` and line break."""
        dot, self._dot = self._dot or cst.Dot(), None
        return cst.Call(func=cst.Attribute(value=value, attr=cst.Name(name), dot=dot), args=list(args))

    # -- the statement ---------------------------------------------------------------------------
    def statement(self, upto: int) -> cst.BaseExpression:
        """The ``select()`` (or the query variable) with the builders of ``links[:upto]`` applied."""
        stmt: cst.BaseExpression
        if self.root_call is not None:
            stmt = self.root_call.with_changes(func=self._import("select"))
        elif self.built is not None:
            stmt = self.built
        else:
            stmt = cst.Name(cst.ensure_type(self.chain.var, str))
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
        last = self.link_nodes[-1]
        if terminal.kind == "call" and terminal.name in ("delete", "update"):
            # built from the entity, not from the select() (rendering that would import select unused)
            return self._bulk(terminal.name, cst.ensure_type(last, cst.Call))
        stmt = self.statement(len(chain.links) - 1)
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
        """``session.execute(delete(M).where(...)…)`` / ``update(M).where(...).values(v)…``, ``.rowcount``
        (the count ``Query.delete()``/``update()`` returned) unless the statement drops it;
        on a query variable ``q``, ``delete(M).where(q.whereclause)…``."""
        if self.chain.var is None:
            stmt: cst.BaseExpression = cst.Call(func=self._import(name), args=[_bare(self.root_args[0])])
        else:  # a variable holding ``select(M)`` with criteria only (checked): ``.where(q.whereclause)``
            entity = cst.Arg(self.chain.entities[0].deep_clone())
            stmt = _attr_call(
                cst.Call(func=self._import(name), args=[entity]),
                "where",
                [cst.Arg(cst.Attribute(cst.Name(self.chain.var), cst.Name("whereclause")))],
            )
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
        if self.chain.discarded:
            return self._execute(stmt)  # the count sync returned was unused
        return cst.Attribute(value=self._execute(stmt), attr=cst.Name("rowcount"))


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
    """Put ``missing`` line breaks back in the outermost call with arguments, laid out as by hand
    (always inside its brackets, so always legal; black folds them away): the arguments on lines of
    their own, one level in, with the closing parenthesis on a line of its own; beyond two breaks, the
    first argument's method chain broken before its last calls (``.execution_options(...)`` on a line
    of its own), one a line; beyond those, empty lines after the opening parenthesis."""
    if missing <= 0:
        return new
    if isinstance(new, cst.Call) and new.args:
        return _break_call(new, missing)
    if isinstance(new, cst.Call):
        return new.with_changes(func=_keep_line_count(new.func, missing))
    if isinstance(new, (cst.Attribute, cst.Subscript)):
        return new.with_changes(value=_keep_line_count(new.value, missing))
    return new


def _newline(indent: str, empty: int = 0) -> cst.ParenthesizedWhitespace:
    """A line break, ``empty`` empty lines, then the statement's indentation plus ``indent``."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[cst.EmptyLine(indent=False)] * empty,
        indent=True,
        last_line=cst.SimpleWhitespace(indent),
    )


def _break_call(call: cst.Call, missing: int) -> cst.Call:
    args = list(call.args)
    closing = missing >= 2  # ``)`` on a line of its own
    dots = _chain_dots(args[0].value)
    links = dots[len(dots) - min(max(missing - 2, 0), len(dots)) :]  # the last ones: options, values
    empty = max(missing - 2 - len(links), 0) if closing else 0
    if links:
        args[0] = args[0].with_changes(value=args[0].value.visit(_BreakBeforeDots(links)))
    if closing:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=_newline(""))
    return call.with_changes(whitespace_before_args=_newline("    ", empty), args=args)


def _chain_dots(node: cst.BaseExpression) -> list[cst.Dot]:
    """The dots of a method chain (``a(...).b(...).c(...)``), first to last, each before a call."""
    dots: list[cst.Dot] = []
    cur = node
    while isinstance(cur, cst.Call) and isinstance(cur.func, cst.Attribute) and isinstance(cur.func.value, cst.Call):
        dots.append(cur.func.dot)
        cur = cur.func.value
    dots.reverse()
    return dots


class _BreakBeforeDots(cst.CSTTransformer):
    """A line break, one level in, before each of the given dots (by identity)."""

    def __init__(self, dots: Sequence[cst.Dot]) -> None:
        super().__init__()
        self._dots = {id(d) for d in dots}

    def leave_Dot(self, original_node: cst.Dot, updated_node: cst.Dot) -> cst.Dot:
        if id(original_node) in self._dots:
            return updated_node.with_changes(whitespace_before=_newline("    "))
        return updated_node
