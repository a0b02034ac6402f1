"""The migrated project's consistency: no converted session, sessionmaker or engine reaches sync code.

Checked on the output, as a second run would see it: the migrated files are analyzed again (same
configuration) and every function that this plan would still make async is a flow the first run
left half converted: sync code that now holds an ``AsyncSession`` (or an async engine) and does
I/O on it without awaiting (``db.close()`` in a sync generator, ``db.commit()`` in a helper the plan
did not follow), or calls a coroutine function bare. A migration that is consistent is a fixed
point, so this list is empty. ``asyncify`` itself does not run this check on every ``apply`` (it
costs a second analysis); the tests run it on the shapes of wiring the plan must follow.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .pipeline import RunResult, analyze


@dataclass(frozen=True)
class HalfFlow:
    path: str
    line: int
    qualname: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: `{self.qualname}` stays sync but {self.why}"


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
            info = again.plan.functions[qualname]
            chain = " -> ".join(again.plan.chain(qualname)[1:])
            path = Path(again.plan.path_of(qualname))
            try:
                shown = path.resolve().relative_to(copy.resolve()).as_posix()
            except ValueError:
                shown = path.as_posix()
            flows.append(HalfFlow(shown, info.line, qualname, f"reaches async I/O: {chain}"))
        return flows
