"""Parsing: the query chains of one function body, read off the syntax tree into ``_QueryChain``s.

A chain starts at ``X.query(...)`` where the plan types ``X`` as a session, or at a query variable
(a name assigned only from such chains); its links are walked up through the parents to the first
terminal, and how its outermost node is used (executed, iterated, assigned, handed to ``in_()``,
escaping) is recorded. Variables get their select list and session, a problem spreading along
assignments between them. Nothing here decides whether a chain converts (``shape``).
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from ...dispatch import VisitorDispatch
from ...names import Callee
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
    _Link,
    _QueryChain,
    _VarInfo,
)


class _Scope(VisitorDispatch, cst.CSTVisitor):
    """Nodes of one function body, not descending into nested functions, lambdas or classes
    (names used there are still collected: a query variable used in a closure escapes)."""

    def __init__(self) -> None:
        self.query_calls: list[cst.Call] = []
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
        if m.matches(node.func, m.Attribute(attr=m.Name("query"))):
            self.query_calls.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigns.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)


class ChainParsing(AsyncifyCodemod):
    """The parsing layer of ``QueryToSelect``: chains and query variables of one function body."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: The function being analysed: its single-name assignments, by name.
        self._assigned: dict[str, list[cst.Assign]] = {}

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

    def _inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        cur: cst.CSTNode | None = node
        while cur is not None:
            if cur is outer:
                return True
            cur = self._parent(cur)
        return False

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)
