"""Where a partial migration stands: per file and in total, computed from a (read-only) run.

The document teams otherwise write by hand: functions already async, functions still sync that
reach session I/O (left to migrate), functions held sync with their reasons, legacy ``.query(``
calls left, ``run_sync`` bridges in place, session wiring kept sync beside its async twin (two
engines on one database), and report items by rule.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from .pipeline import RunResult, display_path

#: Version of ``audit --format json``'s layout (``docs/json-report.md``): changes only when a field
#: is removed or changes meaning.
AUDIT_VERSION = 1


@dataclass
class FileAudit:
    path: str
    async_functions: int = 0
    to_migrate: list[str] = field(default_factory=list)
    held_sync: dict[str, str] = field(default_factory=dict)
    legacy_queries: int = 0
    legacy_queries_held: int = 0
    bridges: int = 0
    #: Engines, sessionmakers and dependencies held code keeps sync → their async twin ("" if none
    #: is needed: only held code reads them) and why they stay.
    coexisting: dict[str, dict[str, str]] = field(default_factory=dict)
    would_change: bool = False
    items: Counter[str] = field(default_factory=Counter)

    @property
    def remaining(self) -> bool:
        """Anything not held sync that is still to do."""
        return bool(self.to_migrate or self.legacy_queries or self.would_change)


@dataclass
class Audit:
    files: list[FileAudit]

    @property
    def remaining(self) -> bool:
        return any(f.remaining for f in self.files)

    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "async functions": sum(f.async_functions for f in self.files),
            "functions left to migrate": sum(len(f.to_migrate) for f in self.files),
            "functions held sync": sum(len(f.held_sync) for f in self.files),
            "legacy .query( calls left": sum(f.legacy_queries for f in self.files),
            "legacy .query( calls in held code": sum(f.legacy_queries_held for f in self.files),
            "run_sync bridges": sum(f.bridges for f in self.files),
            "sync wiring beside an async twin": sum(1 for f in self.files for c in f.coexisting.values() if c["twin"]),
            "files that would change": sum(f.would_change for f in self.files),
            "report items": sum(sum(f.items.values()) for f in self.files),
        }

    def to_json(self) -> str:
        files = []
        for f in self.files:
            data = asdict(f)
            data["items"] = dict(f.items)
            files.append(data)
        return json.dumps({"version": AUDIT_VERSION, "totals": self.totals(), "files": files, "remaining": self.remaining}, indent=2)

    def to_markdown(self) -> str:
        lines = ["# asyncify audit", "", "| | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in self.totals().items()]
        lines += ["", "| file | async | to migrate | held sync | legacy queries | bridges | items |", "|---|---:|---:|---:|---:|---:|---|"]
        for f in self.files:
            items = ", ".join(f"{rule}: {n}" for rule, n in sorted(f.items.items()))
            lines.append(
                f"| {f.path} | {f.async_functions} | {len(f.to_migrate)} | {len(f.held_sync)} | "
                f"{f.legacy_queries} | {f.bridges} | {items} |"
            )
        held = [(f.path, q, why) for f in self.files for q, why in f.held_sync.items()]
        if held:
            lines += ["", "## Held sync", ""] + [f"- `{q}` ({path}): {why}" for path, q, why in held]
        side = [(f.path, q, c) for f in self.files for q, c in f.coexisting.items()]
        if side:
            lines += ["", "## Sync wiring kept for held code", ""] + [
                f"- `{q}` ({path}): {c['reason']}" + (f"; async twin `{c['twin']}`" if c["twin"] else "; no async twin")
                for path, q, c in side
            ]
        todo = [(f.path, q) for f in self.files for q in f.to_migrate]
        if todo:
            lines += ["", "## Left to migrate", ""] + [f"- `{q}` ({path})" for path, q in todo]
        return "\n".join(lines) + "\n"


def _inside(qualname: str, held: dict[str, str]) -> bool:
    return any(qualname == h or qualname.startswith(f"{h}.") for h in held)


def audit(result: RunResult) -> Audit:
    plan = result.analysis.plan
    outcomes = {o.path: o for o in result.outcomes}
    files = []
    for parsed in result.analysis.files:
        fa = FileAudit(display_path(parsed.path))
        for fn in parsed.index.functions:
            if fn.is_async:
                fa.async_functions += 1
            if plan.becomes_async(fn.qualname):
                fa.to_migrate.append(fn.qualname)
            if fn.qualname in plan.held_sync and fn.kind == "function":
                fa.held_sync[fn.qualname] = plan.held_sync[fn.qualname]
            for site in fn.calls:
                target = plan.classify(fn.qualname, site.callee, site.in_with, site.args)
                if target.kind == "session-query":
                    if _inside(fn.qualname, fa.held_sync) or fn.qualname in plan.held_sync:
                        fa.legacy_queries_held += 1
                    else:
                        fa.legacy_queries += 1
                elif target.kind == "session-io" and target.name == "run_sync":
                    fa.bridges += 1
        module = parsed.index.module
        for qualname, reason in sorted(plan.sync_wiring.items()):
            if qualname.rpartition(".")[0] == module:
                fa.coexisting[qualname] = {"twin": plan.twin_beside(qualname), "reason": reason}
        outcome = outcomes.get(parsed.path)
        if outcome is not None:
            fa.would_change = outcome.changed
            fa.items.update(i.rule for i in outcome.items)
        fa.items.update(i.rule for i in plan.items if i.path == parsed.index.path)
        files.append(fa)
    return Audit(files)
