"""Queries handed back across functions: which functions return a ``select()`` instead of a ``Query``.

A function that builds a legacy ``Query`` (possibly across statements and branches) and hands it
back un-executed (``return q``) cannot keep doing so on an ``AsyncSession``, which has no
``query()``; its callers iterate it, call ``.all()``/``.first()``/``.count()`` on it, or build on it.
It converts only together with all of them: it returns the ``select()``, and each use executes
it. ``query-to-select`` reads the sources (``left_queries.QueryProbe``): the candidates
(``ReturnedQuery``: one select list, a session its callers can name) and every use of what a
candidate returns (``QueryUse``: exact or not, handed back further or not), and where a
candidate's name is mentioned otherwise (``name_references``). ``settle_returned_queries``
decides here, from the call graph: a candidate converts when every call of it the plan sees is a
use that executes it exactly in code made async (or hands it back from a function that converts
too), nothing else mentions it, and no override can run in its place; the others stay as they are,
with why (``returned_query_holds``, reported by ``query-to-select`` at their ``return``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .fixpoint import Fixpoint
from .types import QueryUse, ReturnedQuery


class ReturnedQueries(Fixpoint):
    """``settle_returned_queries``: the candidates that convert, and why the others do not."""

    def settle_returned_queries(
        self,
        candidates: Mapping[str, ReturnedQuery],
        uses: Iterable[QueryUse],
        mentions: Iterable[tuple[str, str, int]] = (),
    ) -> tuple[dict[str, ReturnedQuery], dict[str, str]]:
        """(the candidates that convert, candidate → why it does not). ``mentions``: (name, path,
        line) of each mention of a candidate's name other than a call read in a function."""
        holds: dict[str, str] = {}
        alive: dict[str, ReturnedQuery] = {}
        for qualname, candidate in sorted(candidates.items()):
            why = self._builder_problem(qualname)
            if why is None:
                alive[qualname] = candidate
            else:
                holds[qualname] = why
        by_name: dict[str, list[str]] = {}
        for qualname in alive:
            by_name.setdefault(qualname.rpartition(".")[2], []).append(qualname)
        for name, path, line in mentions:
            for qualname in by_name.get(name, ()):
                holds.setdefault(qualname, f"`{name}` is referenced at {path}:{line} without being called there")
                alive.pop(qualname, None)
        recorded: dict[tuple[str, str, int], list[QueryUse]] = {}
        for use in uses:
            recorded.setdefault((use.scope, use.builder, use.line), []).append(use)
        sites = self._call_sites(set(alive))
        changed = True
        while changed:
            changed = False
            for qualname in sorted(alive):
                why = self._use_problem(qualname, sites.get(qualname, []), recorded, alive)
                if why is not None:
                    holds[qualname] = why
                    del alive[qualname]
                    changed = True
        return alive, holds

    def _builder_problem(self, qualname: str) -> str | None:
        if not self.is_async(qualname):
            return "it stays sync"
        others = self.overrides(qualname)
        if others:
            return f"a call of it may run `{others[0]}` instead, which the rewrite does not follow"
        return None

    def _call_sites(self, builders: set[str]) -> dict[str, list[tuple[str, int]]]:
        """Each builder → the (function, line) of every call of it the plan resolves."""
        found: dict[str, list[tuple[str, int]]] = {}
        if not builders:
            return found
        names = {q.rpartition(".")[2] for q in builders}
        for fn in self.functions.values():
            for site in fn.calls:
                if not site.callee.path and site.callee.root not in names:
                    continue
                if site.callee.path and site.callee.path[-1] not in names:
                    continue
                target = self.classify(fn.qualname, site.callee, site.in_with, site.args)
                if target.kind == "function" and target.name in builders:
                    found.setdefault(target.name, []).append((fn.qualname, site.line))
        return found

    def _use_problem(
        self,
        qualname: str,
        sites: list[tuple[str, int]],
        recorded: Mapping[tuple[str, str, int], list[QueryUse]],
        alive: Mapping[str, ReturnedQuery],
    ) -> str | None:
        """Why what ``qualname`` returns cannot be executed by its users, or None."""
        for (scope, builder, line), found in recorded.items():
            if builder != qualname:
                continue
            for use in found:
                where = f"`{scope}` ({use.path}:{line})"
                if use.problem is not None:
                    return f"{where} uses what it returns in a way that cannot be converted: {use.problem}"
                if use.returned and use.scope not in alive:
                    return f"{where} hands what it returns back in turn, and is left as it is"
        if not sites:
            return "no call of it is seen: what it returns is used where the plan cannot follow"
        for scope, line in sites:
            if (scope, qualname, line) not in recorded:
                fn = self.functions[scope]
                where = f"`{scope}` ({self.path_of(scope)}:{line})"
                if fn.kind != "function":
                    return f"{where} calls it where nothing can execute its `select()`"
                return f"{where} uses what it returns in a way the rewrite does not follow"
            if not self.is_async(scope):
                return f"`{scope}` (line {line}) uses what it returns in code that stays sync"
        return None

    def hands_back_query_modules(self) -> set[str]:
        """Modules with a function made async that hands back a lazy legacy ``Query``: the only
        places a ``ReturnedQuery`` candidate can be (what the pipeline reads first)."""
        return {
            self._function_module[q].module
            for q in self.to_async
            if q in self.functions and self._returns_lazy_query(self.functions[q])
        }

    def returned_query_users(self, qualname: str) -> set[str]:
        """The functions calling ``qualname`` (what must stay async for its ``select()`` to run)."""
        return {scope for scope, _ in self._call_sites({qualname}).get(qualname, [])}
