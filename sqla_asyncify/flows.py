"""The migrated project's consistency: no converted session, sessionmaker or engine reaches sync code.

Checked on the output, as a second run would see it: the migrated files are analyzed again (same
configuration) and every function that this plan would still make async is a flow the first run
left half converted: sync code that now holds an ``AsyncSession`` (or an async engine) and does
I/O on it without awaiting (``db.close()`` in a sync generator, ``db.commit()`` in a helper the plan
did not follow), or calls a coroutine function bare. So is a function the first run made async
that is stored as a value (``[(factory, dsn)]``): it is called where no call site names it,
unawaited (unless the plan follows its calls: a fixture's ``params=`` read as ``request.param``); and one made async inside a function that stays sync (it closes over its sync wiring). A migration that is consistent is a fixed
point, so this list is empty. ``asyncify`` itself does not run this check on every ``apply`` (it
costs a second analysis); the tests run it on the shapes of wiring the plan must follow.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .pipeline import Analysis, RunResult, analyze


@dataclass(frozen=True)
class HalfFlow:
    path: str
    line: int
    qualname: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: `{self.qualname}` {self.why}"


def half_converted(result: RunResult, root: Path) -> list[HalfFlow]:
    """Functions of the migrated ``result`` (files under ``root``) that a second run would still
    make async, each with the chain down to the I/O it does on a converted object."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".asyncify_cache", "__pycache__"))
        for outcome in result.outcomes:
            if outcome.changed:
                (copy / outcome.path.resolve().relative_to(root.resolve())).write_bytes(outcome.updated)
        config = replace(result.analysis.config, paths=(copy,), cache=False, jobs=1)
        again = analyze(config)
        flows = []
        for qualname in sorted(again.plan.to_async):
            chain = " -> ".join(again.plan.chain(qualname)[1:])
            flows.append(_flow(again, copy, qualname, f"stays sync but reaches async I/O: {chain}"))
        for qualname, (path, line) in sorted(again.plan.stored_functions.items()):
            # Made async by this run, yet stored as a value: whoever calls it through that value
            # gets a coroutine it never awaits (no call site names it, so no await was added).
            if qualname in result.analysis.plan.to_async and qualname not in again.plan.stored_families:
                where = f"{_shown(Path(path), copy)}:{line}"
                flows.append(_flow(again, copy, qualname, f"became async but is stored as a value at {where}"))
        for qualname in sorted(result.analysis.plan.to_async):
            # Made async inside a function that stays sync: it closes over that function's sync
            # wiring (a sessionmaker built there), so it awaits what a sync session returns.
            info = again.plan.functions.get(qualname)
            if info is not None and info.parent and again.plan._is_held_code(again.plan.functions[info.parent]):
                flows.append(_flow(again, copy, qualname, f"became async inside held `{info.parent}`"))
        return flows


def _flow(again: Analysis, copy: Path, qualname: str, why: str) -> HalfFlow:
    path = _shown(Path(again.plan.path_of(qualname)), copy)
    return HalfFlow(path, again.plan.functions[qualname].line, qualname, why)


def _shown(path: Path, copy: Path) -> str:
    """``path`` relative to the analyzed copy, as the migrated tree names it."""
    try:
        return path.resolve().relative_to(copy.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
