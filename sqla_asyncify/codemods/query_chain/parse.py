"""Parsing: the query chains of one function body, read off the syntax tree into ``_QueryChain``s.

A chain starts at ``X.query(...)`` where the plan types ``X`` as a session, at a call of a function
the plan says hands back a query converted across functions (``Plan.returned_queries``: the call is
the root and the caller's name for that function's session the chain's session), or at a query
variable (a name assigned only from such chains); its links are walked up through the parents to the first
terminal, and how its outermost node is used (executed, iterated, assigned, handed to ``in_()``,
escaping) is recorded. Variables get their select list and session, a problem spreading along
assignments between them. Nothing here decides whether a chain converts (``shape``).
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from ...dispatch import VisitorDispatch
from ...names import Callee, dotted
from ...plan.types import ReturnedQuery
from ...walk import descendants
from ..base import AsyncifyCodemod
from .model import (
    _BUILDERS,
    _EXECUTED,
    _ITERATING_BUILTINS,
    _STATEMENT,
    _STATEMENT_CONSUMERS,
    _arg_values,
    _callee_name,
    _class_like,
    _Link,
    _QueryChain,
    _VarInfo,
)


class _Scope(VisitorDispatch, cst.CSTVisitor):
    """Nodes of one function body, not descending into nested functions, lambdas or classes
    (names used there are still collected: a query variable used in a closure escapes)."""

    def __init__(self) -> None:
        self.query_calls: list[cst.Call] = []
        self.calls: list[cst.Call] = []
        self.returns: list[cst.Return] = []
        self.assigns: list[cst.Assign] = []
        self.names: list[cst.Name] = []
        self.nested_names: set[str] = set()

    def _enter(self, node: cst.CSTNode) -> bool:
        self.nested_names.update(n.value for n in descendants(node) if isinstance(n, cst.Name))
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._enter(node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return self._enter(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._enter(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)
        if m.matches(node.func, m.Attribute(attr=m.Name("query"))):
            self.query_calls.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigns.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)


#: Why a query handed back (``return q``) is refused where the plan does not convert its function.
RETURNED_PROBLEM = (
    "query variable `{name}` escapes the function (returned, passed on or stored) "
    "and would hold a `Select` instead of a `Query`"
)


class ChainParsing(AsyncifyCodemod):
    """The parsing layer of ``QueryToSelect``: chains and query variables of one function body."""

    #: Reading the sources for ``returned_queries`` (``left_queries.QueryProbe``): every function is
    #: read as if the plan converted the query it hands back, to tell whether it could.
    probing = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: The function being analysed: its single-name assignments, by name.
        self._assigned: dict[str, list[cst.Assign]] = {}
        #: The function being analysed hands back the query it builds, converted (``return q`` stays).
        self._returning = False
        self._builder_names: frozenset[str] | None = None

    def _held_back(self, chain: _QueryChain) -> str:
        """Why a query this function hands back stays a ``Query`` (``Plan.returned_query_holds``)."""
        why = self.plan.returned_query_holds.get(self.scope_qualname) if chain.usage == "return" else None
        return f" (its callers cannot all execute a `select()` instead: {why})" if why else ""

    # -- calls of functions handing back a query -----------------------------------------------
    def _builder_named(self, call: cst.Call) -> bool:
        """``call`` calls a name some function of ``Plan.returned_queries`` has (before resolving it)."""
        if self._builder_names is None:
            self._builder_names = frozenset(q.rpartition(".")[2] for q in self.plan.returned_queries)
        return bool(self._builder_names) and _callee_name(call) in self._builder_names

    def _builder_of(self, call: cst.Call) -> ReturnedQuery | None:
        """What the function ``call`` calls hands back, when the plan converts it across functions."""
        if not self._builder_named(call):
            return None
        callee = Callee.of(call.func)
        if callee is None:
            return None
        target = self.plan.classify(self.context_qualname, callee)
        return self.plan.returned_queries.get(target.name) if target.kind == "function" else None

    def _builder_session(self, call: cst.Call, built: ReturnedQuery) -> cst.BaseExpression | str:
        """The caller's name for the session ``built``'s query runs on (a plain name or attribute
        chain the plan types as a session here, evaluated again where the ``select()`` runs), or
        why there is none."""
        kind, name = built.session
        node: cst.BaseExpression | None = None
        if any(a.star for a in call.args):
            return "its arguments are unpacked (`*args`/`**kwargs`): the session it is handed cannot be named"
        if kind == "param":
            fn = self.plan.functions[built.qualname]
            params = [p.name for p in fn.params]
            node = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)
            if node is None and name in params:
                position = params.index(name)
                if fn.class_qualname is not None and params[:1] in (["self"], ["cls"]):
                    receiver = dotted(call.func.value) if isinstance(call.func, cst.Attribute) else None
                    if receiver is None or _class_like(receiver):
                        return "a method called other than on an instance: the session it is handed cannot be named"
                    position -= 1
                positional = [a.value for a in call.args if a.keyword is None]
                node = positional[position] if 0 <= position < len(positional) else None
        elif isinstance(call.func, cst.Attribute) and dotted(call.func.value) is not None:
            node = cst.Attribute(value=call.func.value.deep_clone(), attr=cst.Name(name))
        if node is None or dotted(node) is None:
            return "the session it builds its query on is not handed to it as a plain name here"
        callee = Callee.of(node)
        if callee is None or not self.plan.is_session(self.context_qualname, callee):
            return f"`{dotted(node)}`, the session it builds its query on, is not known to be a session here"
        return node

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
        if isinstance(parent, cst.Return) and parent.value is outer:
            return "return"
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
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in _ITERATING_BUILTINS
                and call.args[0] is parent
            ):
                # ``enumerate(q)``, ``list(q)``: ``iter(q)`` at once, as a ``for`` over ``q`` would
                return "iter"
        return "escape"

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
                return self._builder_of(cur) is not None
            cur = cur.func.value
        if isinstance(cur, cst.Call):
            return self._builder_of(cur) is not None
        return isinstance(cur, cst.Name) and cur is not value and cur.value in var_names

    def _collect_chains(self, scope: _Scope, var_names: set[str]) -> list[_QueryChain]:
        """Every chain of the body: from ``X.query(...)`` with X a session, or from a query variable."""
        chains: list[_QueryChain] = []
        for call in scope.query_calls:
            if self._is_session_query(call):
                session = cst.ensure_type(call.func, cst.Attribute).value
                chains.append(_QueryChain(call, session, None, self._walk_up(call), entities=tuple(_arg_values(call))))
        for call in scope.calls:
            built = self._builder_of(call)
            if built is None:
                continue
            found = self._builder_session(call, built)
            chain = _QueryChain(
                call,
                found if isinstance(found, cst.BaseExpression) else None,
                None,
                self._walk_up(call),
                builder=built.qualname,
                kinds=built.kinds,
                builder_options=built.has_options,
            )
            if isinstance(found, str):
                chain.problem = f"the query `{built.qualname}` hands back cannot be executed here: {found}"
            chains.append(chain)
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
            chain.discarded = isinstance(self._parent(chain.outer), cst.Expr)
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
                info.builder, info.kinds, info.builder_options = roots[0].builder, roots[0].kinds, roots[0].builder_options
                info.has_options |= roots[0].builder_options
                if roots[0].builder is not None and roots[0].problem:
                    info.problem = info.problem or roots[0].problem
            for c in info.chains:
                if c.usage == "assign" and c.var is not None:
                    edges.append((info.name, c.var))
                    info.linked.add(c.var)
                    infos[c.var].linked.add(info.name)
                if c.usage == "return" and self._returning:
                    info.returned = True
                elif c.usage in ("escape", "return"):
                    info.problem = info.problem or RETURNED_PROBLEM.format(name=info.name) + self._held_back(c)
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
                        infos[y].builder, infos[y].kinds = infos[x].builder, infos[x].kinds
                        infos[y].builder_options = infos[x].builder_options
                    changed |= before != (infos[y].problem, infos[y].has_join, infos[y].has_options, infos[y].session)
        for info in infos.values():
            if info.session is None:
                info.problem = info.problem or f"query variable `{info.name}` is not built from a session query"
        return infos

    def _inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        cur: cst.CSTNode | None = node
        while cur is not None:
            if cur is outer:
                return True
            cur = self._parent(cur)
        return False

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)
