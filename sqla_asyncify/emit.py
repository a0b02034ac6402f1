"""Emitting outcomes: unified diffs that ``git apply`` accepts, atomic writes, the JSON report.

The JSON report's layout is documented in ``docs/json-report.md``; ``REPORT_VERSION`` changes only
when a field is removed or changes meaning (new fields may appear without it).

Diffs are built from bytes (``difflib.diff_bytes``) so each file keeps its own encoding and newline
style, and a missing final newline gets git's ``\\ No newline at end of file`` marker.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from pathlib import Path

from .dependencies import required_packages
from .pipeline import FileOutcome, RunResult, display_path
from .sourcefile import SourceError, write_atomic

_NO_EOL = b"\\ No newline at end of file\n"

#: Version of the JSON report's layout (``docs/json-report.md``).
REPORT_VERSION = 1

_RESET = b"\x1b[0m"
_LINE_COLORS = {b"@": b"\x1b[36m", b"+": b"\x1b[32m", b"-": b"\x1b[31m"}
_HEADER = b"\x1b[1m"


def unified_diff(outcome: FileOutcome) -> bytes:
    """The ``git apply``-able diff of one outcome (empty when unchanged)."""
    if not outcome.changed:
        return b""
    name = display_path(outcome.path).encode()
    lines = difflib.diff_bytes(
        difflib.unified_diff,
        outcome.original.splitlines(keepends=True),
        outcome.updated.splitlines(keepends=True),
        b"a/" + name,
        b"b/" + name,
    )
    out = bytearray()
    for line in lines:
        if line.startswith((b"---", b"+++")):
            line = line.rstrip(b"\n") + b"\n"
        out += line
        if not line.endswith(b"\n"):
            out += b"\n" + _NO_EOL
    return bytes(out)


def color_diff(diff: bytes) -> bytes:
    """One file's diff (``unified_diff``) with ANSI colours, as ``git diff`` shows it on a terminal:
    the ``---``/``+++`` header bold, hunk headers cyan, removed lines red, added lines green. The
    two header lines are told apart by position, so a removed line that reads ``-- x`` stays red."""
    out = bytearray()
    for number, line in enumerate(diff.splitlines(keepends=True)):
        body = line.rstrip(b"\r\n")
        color = _HEADER if number < 2 else _LINE_COLORS.get(body[:1])
        out += color + body + _RESET + line[len(body) :] if color and body else line
    return bytes(out)


def write_outcomes(outcomes: Iterable[FileOutcome]) -> list[tuple[Path, str]]:
    """Atomically write every changed outcome; return ``(path, error)`` for files that could not be."""
    failures = []
    for outcome in outcomes:
        if not outcome.changed:
            continue
        try:
            write_atomic(outcome.path, outcome.updated)
        except (SourceError, OSError) as exc:
            failures.append((outcome.path, str(exc)))
    return failures


def json_report(result: RunResult, written: Iterable[Path] = ()) -> str:
    """Every change and every manual-attention item, with path, line, rule and reason."""
    plan = result.analysis.plan
    changes = []
    for fn, reason in sorted(plan.to_async.items()):
        changes.append(
            {
                "path": plan.path_of(fn),
                "rule": "make-async",
                "function": fn,
                "line": next((f.line for f in [plan.functions[fn]]), 0),
                "chain": plan.chain(fn),
            }
        )
    return json.dumps(
        {
            "version": REPORT_VERSION,
            "tool": "asyncify",
            "changed_files": [display_path(o.path) for o in result.changed],
            "written_files": [display_path(p) for p in written],
            "changes": changes,
            "items": [i.to_json() for i in result.items],
            "errors": [{"path": display_path(e.path), "error": e.error} for e in result.errors],
            "required_packages": required_packages(o.updated for o in result.changed),
        },
        indent=2,
    )
