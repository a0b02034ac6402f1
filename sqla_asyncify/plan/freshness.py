"""Queries that can follow a commit of their session, where the sync code would have re-read the rows.

Sync sessions expire every object on commit (rules §3.2): the next query returning one of them, or
``get()`` of it, loads it again from the database — a collection grown through a foreign key, a
column a bulk ``update()`` changed, a row another connection wrote all show. The default migration
gives the sessions ``expire_on_commit=False`` (rules §3.3), so the same query hands back the objects
as they were in memory. Verified on SQLAlchemy 2.1 + aiosqlite: ``execution_options(populate_existing
=True)`` on such a query (``populate_existing=True`` for ``get()``) overwrites the identity map's
objects with the rows, and reloads a collection its ``selectinload`` names; without an option a loaded
collection is reset to unloaded (``loading.py`` gives the site the options of what is read after it).
It runs no extra SQL for a query, and the one SELECT sync ``get()`` ran for an expired object.

A site can follow a commit when it comes after a ``commit()`` of a session that no longer expires in
the same function, or lies in a function called after one (and what that calls). It is left alone
where the function writes an attribute between the commit and the query: with ``autoflush=False``
``populate_existing`` would overwrite that pending change, which the sync query kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

from ..loading_facts import QuerySite
from ..names import Callee
from ..pickling import fast_state

if TYPE_CHECKING:
    from .loading import Loads


@fast_state
@dataclass(frozen=True, slots=True)
class FreshSite:
    module: str
    scope: str
    site: QuerySite
    commit_line: int  # the commit it follows, in ``via``
    via: str  # the function whose commit it follows


class Freshness:
    """Sites that get ``populate_existing`` (under the default policy). ``Freshness(plan)``."""

    def __init__(self, plan: Loads) -> None:
        self.plan = plan
        self.sites: dict[tuple[str, int, int], FreshSite] = {}
        if plan.keeps_expiry:
            return  # sessions keep expiring: ``expire-on-commit`` refreshes what is read after commits
        self.loading = plan.loading
        self._solve()

    def _stays_fresh(self, scope: str, callee: Callee) -> bool:
        """A commit of a session that no longer expires after the migration."""
        if not self.plan.is_session(scope, callee):
            return False
        return self.plan.session_expires(scope, callee) is not True

    def _sites(self, scope: str) -> list[QuerySite]:
        facts = self.loading.facts.get(scope)
        if facts is None:
            return []
        found = {(f.site.line, f.site.column): f.site for f in facts.flows if f.kind == "query" and f.site is not None}
        found.update({(r.line, r.column): r for r in facts.refreshes if r.form == "get"})
        return list(found.values())

    def _committing(self) -> dict[str, list[int]]:
        """Function → lines where it commits: its own ``commit()`` of a session that stays fresh, or
        a call of a function that commits (to a fixpoint)."""
        own = {
            scope: [n for callee, n in facts.commits if self._stays_fresh(scope, callee)]
            for scope, facts in self.loading.facts.items()
        }
        found = {scope: lines for scope, lines in own.items() if lines}
        changed = True
        while changed:
            changed = False
            for scope in self.loading.facts:
                fn = self.plan.functions.get(scope)
                for call in fn.calls if fn is not None else ():
                    target = self.loading._target(scope, call.callee)
                    if target in found and call.line not in found.get(scope, []):
                        found.setdefault(scope, []).append(call.line)
                        changed = True
        return found

    def _call_graph(self) -> dict[str, set[str]]:
        graph: dict[str, set[str]] = {}
        for scope in self.loading.facts:
            fn = self.plan.functions.get(scope)
            for call in fn.calls if fn is not None else ():
                target = self.loading._target(scope, call.callee)
                if target is not None:
                    graph.setdefault(scope, set()).add(target)
        return graph

    @staticmethod
    def _closure(starts: set[str], edges: dict[str, set[str]]) -> set[str]:
        seen, queue = set(starts), list(starts)
        while queue:
            for nxt in edges.get(queue.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def _solve(self) -> None:
        entered: dict[str, tuple[str, int]] = {}  # function → (function whose commit it follows, line)
        committing = self._committing()
        graph = self._call_graph()
        callers: dict[str, set[str]] = {}
        for caller, callees in graph.items():
            for callee in callees:
                callers.setdefault(callee, set()).add(caller)
        writers = {scope for scope, facts in self.loading.facts.items() if facts.writes}
        # A function some writer reaches may run with a change pending (unflushed: autoflush=False),
        # which ``populate_existing`` would overwrite; one reaching a writer may change one itself.
        self._tainted = self._closure(writers, graph)
        self._writing = self._closure(writers, callers)
        for scope, facts in self.loading.facts.items():
            commits = committing.get(scope, [])
            if not commits or self.loading._held(scope):
                continue
            first = min(commits)
            # Loops make line order no proof: any write after the commit leaves the function's
            # queries alone (one could be pending, unflushed, when they run).
            if any(n > first for n in facts.writes):
                continue
            fn = self.plan.functions.get(scope)
            if fn is not None and any(
                call.line > first and self.loading._target(scope, call.callee) in self._writing for call in fn.calls
            ):
                continue
            for site in self._sites(scope):
                if site.line > first:
                    self._add(scope, site, max(n for n in commits if n < site.line), scope)
            for call in fn.calls if fn is not None else ():
                if call.line > first:
                    target = self.loading._target(scope, call.callee)
                    if target is not None and target not in entered:
                        entered[target] = (scope, max(n for n in commits if n < call.line))
        entered = {g: v for g, v in entered.items() if g not in self._writing}
        queue = list(entered)
        while queue:  # what a function entered after a commit calls is entered after it too
            scope = queue.pop()
            facts = self.loading.facts.get(scope)
            fn = self.plan.functions.get(scope)
            if facts is None or fn is None or scope in self._writing:
                continue  # it may change an object before it calls: its callees' queries stay
            for call in fn.calls:
                target = self.loading._target(scope, call.callee)
                if target is not None and target not in entered:
                    entered[target] = entered[scope]
                    queue.append(target)
        for scope, (via, line) in entered.items():
            facts = self.loading.facts.get(scope)
            if facts is None or self.loading._held(scope) or scope in self._writing or scope in self._tainted:
                continue
            for site in self._sites(scope):
                self._add(scope, site, line, via)

    def _add(self, scope: str, site: QuerySite, line: int, via: str) -> None:
        if site.session is not None and not self.plan.is_session(scope, site.session):
            return
        module = self.loading.module_of[scope].module
        self.sites.setdefault((module, site.line, site.column), FreshSite(module, scope, site, line, via))

    def site(self, module: str, line: int, column: int) -> FreshSite | None:
        return self.sites.get((module, line, column))
