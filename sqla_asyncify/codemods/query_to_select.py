"""Legacy ``session.query(...)`` chains → 2.0-style ``select()`` executed on the session (rules §2, §5).

``AsyncSession`` has no ``query()``. This transformer rewrites each ``X.query(...)`` chain, where the
plan types ``X`` as a session, into a ``select()`` statement executed with ``X.execute`` /
``X.scalar`` / ``X.get``, **without** awaits: ``AddAwaits`` runs after it and awaits those calls.

Analysis and rendering are apart, in the ``query_chain`` package (its docstring has the map):
``parse`` reads each chain into a ``_QueryChain`` (its root, the session query or a query variable,
its builder steps and its terminal); ``shape`` checks it and sets the result shape (rules §2.0
Rule S: S1 = exactly one ORM entity selected, else S2) and whether ``.unique()`` is needed (Rule U);
``emit``'s ``_Renderer`` builds the new nodes from the *updated* nodes of the same chain, so a query
nested in an argument (``User.id.in_(db.query(Address.user_id))``) is converted first. This module
is the transformer: its hooks, the decision (report a refused chain or queue it) and the replacement.

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
* a query built in one function and handed back un-executed (``return q``), where the plan settled
  that every use of what it returns executes it exactly (``Plan.returned_queries``,
  ``plan/returned_queries.py``): the function returns the ``select()`` (a ``-> Query`` annotation
  becomes ``-> Select``) and each call is the root of a chain in its caller, executed there on the
  caller's name for the same session (``for v in q:`` → ``for v in
  db.execute(q).unique().scalars():``, ``q.first()``, ``q.count()``… as for a query of its own).
  Read for the plan by ``left_queries.QueryProbe`` (``probing``): ``RETURNED_CANDIDATES``,
  ``QUERY_USES``.
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

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from ..names import Callee, dotted
from ..plan import Plan
from ..plan.types import QueryUse, ReturnedQuery
from ..walk import contains

from .query_chain.emit import _keep_line_count, _Renderer
from .query_chain.model import _callee_name, _class_like, _QueryChain, _VarInfo
from .query_chain.parse import _Scope
from .query_chain.shape import ChainShape

UNSUPPORTED = "query-unsupported"
#: ``context.scratch`` key: qualname of a function the plan makes async → (line, reason) of a legacy
#: query left in it. Such a function cannot run on an ``AsyncSession`` (it has no ``query()``): the
#: pipeline holds it sync and re-plans, so its callers reach it through ``run_sync``.
LEFT_QUERIES = "asyncify_left_queries"
#: ``context.scratch`` keys filled while ``probing``: qualname → ``ReturnedQuery`` of each function
#: that could hand back its query converted; and the ``QueryUse``s of what such functions return.
RETURNED_CANDIDATES = "asyncify_returned_candidates"
QUERY_USES = "asyncify_query_uses"
#: Marks a chain of a refused query variable: the variable was reported once, at its assignment.
_VARIABLE_REPORTED = "reported with its variable"
#: A module importing one of these works with SQLModel sessions (``exec`` + ``sqlmodel.select``, rules §4).
_SQLMODEL_SESSIONS = frozenset(
    {"sqlmodel.Session", "sqlmodel.orm.session.Session", "sqlmodel.ext.asyncio.session.AsyncSession"}
)


class QueryToSelect(ChainShape):
    DESCRIPTION = "Rewrite legacy session.query(...) chains into select() executed on the session."
    TRIGGERS = ("query",)

    @classmethod
    def triggered(cls, plan: Plan, module_name: str, source: str) -> bool:
        """A ``query`` here, or a call of a function handing back one converted (its caller executes it)."""
        return super().triggered(plan, module_name, source) or any(
            qualname.rpartition(".")[2] in source for qualname in plan.returned_queries
        )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: Outer node (original) of a chain to convert → its analysis.
        self._convert: dict[cst.CSTNode, _QueryChain] = {}
        self._sqlmodel = False
        self._query_property = False

    # -- setup ---------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        index = self.plan.modules.get(self.module_name)
        imports = dict(index.imports) if index is not None else {}
        self._sqlmodel = any(target in _SQLMODEL_SESSIONS for target in imports.values())
        self._query_property = contains(
            node,
            lambda n: (isinstance(n, cst.Name) and n.value == "query_property")
            or (isinstance(n, cst.Attribute) and n.attr.value == "query_property"),
        )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """``Model.query`` in a module using ``query_property()``: no async counterpart (rules §1.2)."""
        if self._query_property and node.attr.value == "query" and isinstance(node.value, cst.Name):
            if _class_like(node.value.value):
                self.report(
                    node,
                    "`Model.query` from `query_property()`: `async_scoped_session` has no `query_property`",
                    "replace it with `select(Model)` executed on an explicit `AsyncSession`",
                    UNSUPPORTED,
                )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        self._analyze_function(node)
        return None

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        """``-> Query`` on a function that now hands back a ``select()``: ``-> Select``."""
        returns = updated_node.returns
        if (
            self.scope_qualname in self.plan.returned_queries
            and returns is not None
            and (dotted(returns.annotation) or "").rpartition(".")[2] == "Query"
        ):
            local, alias = self.import_spelling("sqlalchemy", "Select")
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "Select", alias)
            if isinstance(returns.annotation, cst.Name):  # its import, if this was its last use
                for module in ("sqlalchemy.orm", "sqlalchemy.orm.query"):
                    RemoveImportsVisitor.remove_unused_import(self.context, module, "Query")
            updated_node = updated_node.with_changes(returns=returns.with_changes(annotation=cst.Name(local)))
            self.changed = True
        return super().leave_FunctionDef(original_node, updated_node)

    # -- function analysis ---------------------------------------------------------------------
    def _analyze_function(self, fn: cst.FunctionDef) -> None:
        """Parse and check every query chain of ``fn``'s own body; queue the convertible ones."""
        scope = _Scope()
        fn.body.visit(scope)
        named = [call for call in scope.calls if self._builder_named(call)]
        if self.probing and named:
            self._probe_unresolved(named)
        if not scope.query_calls and not named:
            return  # every chain, and every query variable, starts at a ``.query(...)`` call here (or a builder's)
        self._returning = self.probing or self.scope_qualname in self.plan.returned_queries
        known = self._known_names(fn)
        var_names = self._query_variables(scope)
        chains = self._collect_chains(scope, var_names)
        infos = self._resolve_variables(scope, chains, var_names)
        for chain in chains:
            if chain.var is not None:
                info = infos[chain.var]
                chain.entities = info.entities
                chain.session = info.session
                chain.builder, chain.kinds, chain.builder_options = info.builder, info.kinds, info.builder_options
            self._check(chain, known, infos)
        self._check_set_ops(chains, infos, scope)
        executable = self.plan.is_async(self.scope_qualname)
        if self.probing:
            self._probe(fn, scope, chains, infos, executable)
        self._decide(chains, infos, executable=executable)

    def _spread_problems(self, chains: list[_QueryChain], infos: dict[str, _VarInfo]) -> None:
        """Mark what cannot convert: every chain on a SQLModel session; a variable one of whose
        chains cannot; and, to a fixpoint, a variable built from or into one that cannot."""
        if self._sqlmodel:
            for chain in chains:
                chain.problem = chain.problem or "a SQLModel session: the rewrite needs `sqlmodel.select` and `session.exec()`"
                chain.fix = "rewrite with `session.exec(select(...))` from sqlmodel, adding `.unique()`"
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

    def _decide(self, chains: list[_QueryChain], infos: dict[str, _VarInfo], executable: bool) -> None:
        """Report refused chains and variables; queue the others for conversion."""
        self._spread_problems(chains, infos)
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
                    self.report(chain.root, chain.problem, chain.fix or "rewrite it by hand with `select()`", UNSUPPORTED)
                    if executable:
                        self._left(chain.root, chain.problem)
                continue
            if not executable and (chain.executes or chain.var is not None or chain.usage == "assign"):
                continue  # the plan reports why this code cannot await; it stays a Query
            self._convert[chain.outer] = chain

    # -- probing: what the plan settles ``returned_queries`` from -------------------------------
    def _probe(
        self, fn: cst.FunctionDef, scope: _Scope, chains: list[_QueryChain], infos: dict[str, _VarInfo], executable: bool
    ) -> None:
        """Record the uses of the query other functions hand back made here, and whether this
        function could hand back its own query converted (``RETURNED_CANDIDATES``)."""
        self._spread_problems(chains, infos)  # as ``_decide`` spreads them, without reporting
        owner = {id(c): info for info in infos.values() for c in info.chains if c.usage == "assign" and c.var is None}
        uses: list[QueryUse] = self.context.scratch.setdefault(QUERY_USES, [])
        for chain in chains:
            if chain.builder is None or chain.var is not None:
                continue
            info = owner.get(id(chain))
            problem = (info.problem if info is not None else None) or chain.problem
            if not executable:
                problem = problem or "it is used in code that stays sync"
            returned = chain.usage == "return" or (info is not None and info.returned)
            uses.append(QueryUse(self.scope_qualname, chain.builder, self.path, self.line_of(chain.root), problem, returned))
        candidate = self._candidate(fn, scope, chains, infos, executable)
        if candidate is not None:
            self.context.scratch.setdefault(RETURNED_CANDIDATES, {})[candidate.qualname] = candidate

    def _candidate(
        self, fn: cst.FunctionDef, scope: _Scope, chains: list[_QueryChain], infos: dict[str, _VarInfo], executable: bool
    ) -> ReturnedQuery | None:
        """This function as one handing back its query converted: every ``return`` hands back a
        query of this function that converts, all with one select list and one session its callers
        can name (its parameter, or ``self.<attr>``); no other query here is left as it is."""
        returned = [c for c in chains if c.usage == "return"]
        info = self.plan.functions.get(self.scope_qualname)
        if not returned or not executable or info is None or info.is_generator or fn.decorators:
            return None
        if any(c.problem for c in chains) or any(i.problem for i in infos.values()):
            return None
        outers = {id(c.outer) for c in returned}
        if any(r.value is None or id(r.value) not in outers for r in scope.returns):
            return None
        kinds = {c.kinds for c in returned}
        sessions = {self._code(c.session) for c in returned if c.session is not None}
        if len(kinds) != 1 or None in kinds or len(sessions) != 1 or any(c.session is None for c in returned):
            return None
        ref = self._session_ref(fn, returned[0].session)  # type: ignore[arg-type]
        if ref is None:
            return None
        kind = next(iter(kinds))
        assert kind is not None
        return ReturnedQuery(self.scope_qualname, self.line_of(fn), kind, any(c.has_options for c in returned), ref)

    def _session_ref(self, fn: cst.FunctionDef, session: cst.BaseExpression) -> tuple[str, str] | None:
        """How a caller names ``session``: ``("param", name)`` for a parameter never rebound,
        ``("self", attr)`` for ``self.<attr>`` (directly, or through a local bound once to it)."""
        info = self.plan.functions[self.scope_qualname]
        params = [p.name for p in info.params]
        bound = [b for b in info.bindings if b.name == dotted(session)]
        is_method = info.class_qualname is not None and params[:1] == ["self"]
        if isinstance(session, cst.Name) and session.value in params and not bound:
            return ("param", session.value) if session.value != "self" else None
        value: str | None = None
        if isinstance(session, cst.Name) and len(bound) == 1 and len(self._assigned.get(session.value, [])) == 1:
            value = dotted(self._assigned[session.value][0].value)
        elif isinstance(session, cst.Attribute):
            value = dotted(session)
        head, _, attr = (value or "").partition(".")
        if is_method and head == "self" and attr.isidentifier() and not any(b.name == "self" for b in info.bindings):
            return ("self", attr)
        return None

    def _probe_unresolved(self, named: list[cst.Call]) -> None:
        """A call named like a function handing back a query that the plan cannot tell is another
        function's: it may run that one, whose use is then not followed."""
        uses: list[QueryUse] = self.context.scratch.setdefault(QUERY_USES, [])
        for call in named:
            if self._builder_of(call) is not None:
                continue
            callee = Callee.of(call.func)
            target = self.plan.classify(self.context_qualname, callee) if callee is not None else None
            if target is not None and target.kind == "function":
                continue  # another function of that name
            name = _callee_name(call)
            for qualname in sorted(self.plan.returned_queries):
                if qualname.rpartition(".")[2] == name:
                    uses.append(
                        QueryUse(
                            self.scope_qualname, qualname, self.path, self.line_of(call),
                            "a call the plan cannot resolve to a function may run it",
                        )
                    )

    def _left(self, node: cst.CSTNode, problem: str) -> None:
        left: dict[str, tuple[int, str]] = self.context.scratch.setdefault(LEFT_QUERIES, {})
        left.setdefault(self.scope_qualname, (self.line_of(node), problem))

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
        renderer = _Renderer(chain, updated, self.import_spelling)
        new = renderer.render()
        for module, name, alias in renderer.imports:
            AddImportsVisitor.add_needed_import(self.context, module, name, alias)
        self.changed = True
        if updated.lpar and not chain.streamed:  # a stream call's own brackets hold the line breaks
            new = new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        missing = self.module.code_for_node(updated).count("\n") - self.module.code_for_node(new).count("\n")
        return _keep_line_count(new, missing)

