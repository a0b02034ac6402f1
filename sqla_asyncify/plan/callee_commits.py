"""Commits made in called functions: which functions commit a session, and whether what they
return is loaded when they return.

A sync session expires every object it holds on ``commit()`` (rules §3.2), wherever that commit
runs: ``crud.create_product(db, ...)`` committing ``db`` expires the caller's ``user`` of ``db`` as
surely as a ``db.commit()`` in the caller. Under the ``expire-on-commit = "keep"`` policy the
``expire-on-commit`` transformer treats such a call as a commit of the caller's session (when the
call is given that session, see the transformer) and asks here:

* ``commits_through(scope, callee)``: the call's target commits a session, itself or through what
  it calls (to a fixpoint over the call graph);
* ``returns_loaded(qualname)``: every object it returns is loaded when it returns, so the caller
  needs no refresh for it until the next commit — it refreshes (``refresh(obj)``) what it returns
  after its last commit, or returns what such a function returns with no commit after that call,
  or commits nothing at all. Otherwise the object returned is expired by the call, like the
  caller's own objects.
"""

from __future__ import annotations

from functools import cached_property

from ..loading_facts import Flow
from ..names import Callee
from .loading import Loads


class CalleeCommits(Loads):
    """``commits_through``, ``returns_loaded``."""

    def _call_target(self, scope: str, callee: Callee) -> str | None:
        if scope not in self.functions:
            return None
        target = self.classify(scope, callee)
        return target.name if target.kind == "function" else None

    def _commit_lines(self, scope: str) -> list[int]:
        """Lines of ``scope`` that commit: its own ``commit()`` of a session, or a call of a
        function that commits."""
        facts = self.loading.facts.get(scope)
        fn = self.functions.get(scope)
        lines = [n for callee, n in facts.commits if self.is_session(scope, callee)] if facts else []
        for call in fn.calls if fn is not None else ():
            if self._call_target(scope, call.callee) in self.committing:
                lines.append(call.line)
        return lines

    @cached_property
    def committing(self) -> frozenset[str]:
        """Functions that commit a session, themselves or through a function they call."""
        found = {
            scope
            for scope, facts in self.loading.facts.items()
            if any(self.is_session(scope, callee) for callee, _ in facts.commits)
        }
        callers: dict[str, set[str]] = {}
        for scope, fn in self.functions.items():
            for call in fn.calls:
                target = self._call_target(scope, call.callee)
                if target is not None:
                    callers.setdefault(target, set()).add(scope)
        queue = list(found)
        while queue:
            for caller in callers.get(queue.pop(), ()):
                if caller not in found:
                    found.add(caller)
                    queue.append(caller)
        return frozenset(found)

    def commits_through(self, scope: str, callee: Callee) -> str | None:
        """The function ``callee`` calls in ``scope`` when it commits a session (itself or
        through what it calls), else None."""
        target = self._call_target(scope, callee)
        return target if target in self.committing else None

    def returns_loaded(self, qualname: str, _seen: frozenset[str] = frozenset()) -> bool:
        """Whether every object ``qualname`` returns is loaded (not expired by a commit) when it returns."""
        facts = self.loading.facts.get(qualname)
        if facts is None or qualname in _seen:
            return False
        commits = self._commit_lines(qualname)
        if not commits:
            return True  # it expires nothing (what it returns may come from before: the caller tracks that)
        last = max(commits)
        refreshed = {r.target: r.line for r in facts.refreshes if r.form == "refresh"}
        for flow in (f for f in facts.flows if f.var == "<return>"):
            if flow.kind == "path" and not flow.path and refreshed.get(flow.root, 0) > last:
                continue  # ``db.refresh(obj)`` after the last commit, then ``return obj``
            if flow.kind == "call" and flow.callee is not None and flow.line >= last and flow.element is None:
                target = self._call_target(qualname, flow.callee)
                if target is not None and self.returns_loaded(target, _seen | {qualname}):
                    continue  # ``return crud.create_user(...)``: loaded there, nothing commits after
            return False
        return True

    def returns_object(self, qualname: str, _seen: frozenset[str] = frozenset()) -> bool:
        """Whether ``qualname`` always returns an object, never None: each ``return`` gives a name
        bound only to a constructed object (``u = User(...)``), or what such a function returns."""
        facts = self.loading.facts.get(qualname)
        if facts is None or qualname in _seen:
            return False
        returns = [f for f in facts.flows if f.var == "<return>"]
        if not returns:
            return False
        for flow in returns:
            if flow.element is not None or flow.key is not None:
                return False
            if flow.kind == "path" and not flow.path:
                bound = [f for f in facts.flows if f.var == flow.root]
                if bound and all(self._constructs(qualname, f) for f in bound):
                    continue
            if flow.kind == "call" and flow.callee is not None:
                target = self._call_target(qualname, flow.callee)
                if target is not None and self.returns_object(target, _seen | {qualname}):
                    continue
            return False
        return True

    def _constructs(self, scope: str, flow: Flow) -> bool:
        """``name = Model(...)``: a flow from calling a class (a project class, or a capitalized name
        that is no project function: a model imported from elsewhere). A constructor never gives None."""
        if flow.kind != "call" or flow.callee is None or flow.callee.calls:
            return False
        if self.type_of(scope, flow.callee).kind == "class":
            return True
        last = (flow.callee.path or (flow.callee.root,))[-1]
        return last[:1].isupper() and self._call_target(scope, flow.callee) is None

    def reads_argument(self, qualname: str, position: int | str, bound_method: bool) -> frozenset[str]:
        """The attributes ``qualname`` reads of the argument at ``position`` (an index of the call's
        positional arguments, or a keyword): a sync read of one after a commit re-SELECTs."""
        facts = self.loading.facts.get(qualname)
        name = self._param_name(qualname, position, bound_method)
        if facts is None or name is None:
            return frozenset()
        return frozenset(r.path[0] for r in facts.reads if r.root == name and r.path)

    @cached_property
    def _committing_modules(self) -> frozenset[str]:
        """Modules with a ``commit()``/``flush()`` call or a call of a function that commits."""
        found: set[str] = set()
        for module, index in self.modules.items():
            for fn in index.functions:
                facts = self.loading.facts.get(fn.qualname)
                if facts is not None and (facts.commits or facts.flushes):
                    found.add(module)
                    break
                if any(self._call_target(fn.qualname, c.callee) in self.committing for c in fn.calls):
                    found.add(module)
                    break
        return frozenset(found)

    def commits_in_module(self, module: str) -> bool:
        """Whether ``module`` commits or flushes a session, itself or through a function it calls."""
        return module in self._committing_modules

    def _deletes(self, qualname: str, _seen: frozenset[str] = frozenset()) -> bool:
        """Whether ``qualname`` deletes through a session, itself or in a committing callee."""
        fn = self.functions.get(qualname)
        if fn is None or qualname in _seen:
            return False
        for call in fn.calls:
            target = self.classify(qualname, call.callee)
            if target.kind.startswith("session") and target.name == "delete":
                return True
            if target.kind == "function" and target.name in self.committing and self._deletes(target.name, _seen | {qualname}):
                return True
        return False

    def passed_state(self, qualname: str, position: int | str, bound_method: bool) -> str:
        """What a commit in ``qualname`` leaves of an object passed as its argument ``position``:
        "deleted" when it deletes through a session (a committed delete detaches objects
        unexpired; which one the plan cannot say), "loaded" when it refreshes that parameter after
        its last commit, else "expired"."""
        if self._deletes(qualname):
            return "deleted"
        fn = self.functions.get(qualname)
        facts = self.loading.facts.get(qualname)
        name = self._param_name(qualname, position, bound_method)
        if fn is None or facts is None or name is None:
            return "expired"
        last = max(self._commit_lines(qualname), default=0)
        if any(r.form == "refresh" and r.target == name and r.line > last for r in facts.refreshes):
            return "loaded"
        return "expired"

    def _param_name(self, qualname: str, position: int | str, bound_method: bool) -> str | None:
        fn = self.functions.get(qualname)
        if fn is None:
            return None
        params = [p.name for p in fn.params]
        if bound_method and fn.class_qualname and params:
            params = params[1:]  # ``obj.method(x)``: ``self`` is not among the call's arguments
        if isinstance(position, int):
            return params[position] if position < len(params) else None
        return position if position in params else None
