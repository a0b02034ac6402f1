"""Robustness run: asyncify over the standard library and site-packages, in memory.

    python bench/corpus_run.py [ROOT ...] [--max-rewrite N] [--jobs N] [--seed S]

Default roots: the stdlib (``sysconfig.get_paths()["stdlib"]``) and site-packages (``purelib``).
Each root is one project (``--check`` + ``--dry-run`` semantics: nothing is written to it; the
second pass works on a copy of the outputs in a temporary folder). Counts:

* files, relevant files (mention SQLAlchemy or import what does), errors (files that cannot be
  processed: unparsable or undecodable inputs — reported per file, not crashes);
* crashes: internal errors (an exception in the pipeline or a transformer on one file);
* unparsable outputs: changed files whose output ``ast.parse`` rejects;
* non-idempotent outputs: changed files that a second pass over the migrated copy changes again;
* changed files without SQLAlchemy usage (not relevant): must be 0.

``--max-rewrite N`` rewrites a deterministic sample of N relevant files per root (the transformers
cost ~100-250x a parse per line; SQLAlchemy's own package is ~200k relevant lines); the second pass
then sees the sampled files migrated and the rest as they were. Exit status 1 if any count that
must be 0 is not.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import sysconfig
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from sqla_asyncify.cache import NoCache
from sqla_asyncify.pipeline import Analysis, FileOutcome, RunConfig, analyze, rewrite_files


@dataclass
class Counts:
    root: str
    files: int = 0
    relevant: int = 0
    rewritten: int = 0
    errors: int = 0
    changed: int = 0
    crashes: list[str] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    non_idempotent: list[str] = field(default_factory=list)
    changed_without_sqlalchemy: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.root}: {self.files} files, {self.relevant} relevant, {self.rewritten} rewritten, "
            f"{self.changed} changed, {self.errors} errors (unprocessable inputs); "
            f"crashes {len(self.crashes)}, unparsable outputs {len(self.unparsable)}, "
            f"non-idempotent {len(self.non_idempotent)}, changed without SQLAlchemy {len(self.changed_without_sqlalchemy)} "
            f"[{self.seconds:.0f} s]"
        )

    @property
    def ok(self) -> bool:
        return not (self.crashes or self.unparsable or self.non_idempotent or self.changed_without_sqlalchemy)


def _is_crash(outcome: FileOutcome) -> bool:
    return bool(outcome.error and "internal error" in outcome.error)


def _subset(analysis: Analysis, files: list) -> Analysis:
    return Analysis(files, analysis.plan, [], analysis.config, "", NoCache(), {}, analysis.held_modules)


def run_root(
    root: Path,
    paths: list[Path] | None = None,
    max_rewrite: int = 0,
    jobs: int | None = None,
    seed: int = 0,
    idempotence: bool = True,
) -> Counts:
    """Run the pipeline over ``root`` (or ``paths`` inside it) in memory and count."""
    started = time.perf_counter()
    counts = Counts(str(root))
    config = RunConfig(paths=(root,), cache=False, jobs=jobs)
    try:
        analysis = analyze(config, paths=paths)
    except Exception:
        counts.crashes.append(f"{root}: analyze raised\n{traceback.format_exc()}")
        return counts
    counts.files = len(analysis.files) + len(analysis.errors)
    counts.errors = len([e for e in analysis.errors if not _is_crash(e)])
    counts.crashes += [f"{e.path}: {e.error}" for e in analysis.errors if _is_crash(e)]
    relevant = [f for f in analysis.files if f.relevant]
    counts.relevant = len(relevant)
    chosen = relevant
    if max_rewrite and len(relevant) > max_rewrite:
        chosen = sorted(random.Random(seed).sample(relevant, max_rewrite), key=lambda f: str(f.path))
    others = [f for f in analysis.files if not f.relevant]
    try:
        outcomes = rewrite_files(_subset(analysis, [*chosen, *others]), do_format=True)
    except Exception:
        counts.crashes.append(f"{root}: rewrite_files raised\n{traceback.format_exc()}")
        return counts
    counts.rewritten = len(chosen)
    relevant_paths = {f.path for f in relevant}
    first: dict[Path, bytes] = {}
    for outcome in outcomes:
        if _is_crash(outcome):
            counts.crashes.append(f"{outcome.path}: {outcome.error}")
            continue
        if outcome.path not in relevant_paths and outcome.updated != outcome.path.read_bytes():
            counts.changed_without_sqlalchemy.append(str(outcome.path))
        if not outcome.changed:
            continue
        counts.changed += 1
        first[outcome.path] = outcome.updated
        try:
            ast.parse(outcome.updated)
        except SyntaxError as exc:
            counts.unparsable.append(f"{outcome.path}: {exc}")
    if idempotence and first:
        _second_pass(root, relevant, first, counts, jobs)
    counts.seconds = time.perf_counter() - started
    return counts


def _second_pass(root: Path, relevant: list, first: dict[Path, bytes], counts: Counts, jobs: int | None) -> None:
    """Lay the relevant files out (migrated where changed) in a temporary copy; run again."""
    with tempfile.TemporaryDirectory(prefix="asyncify-corpus-") as tmp:
        base = Path(tmp) / root.name
        copied: dict[Path, Path] = {}
        for f in relevant:
            rel = f.path.resolve().relative_to(root.resolve())
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(first.get(f.path, f.source))
            copied[target] = f.path
            # Package markers, so module names stay what they were.
            folder = f.path.resolve().parent
            while folder != root.resolve() and (folder / "__init__.py").exists():
                marker = base / folder.relative_to(root.resolve()) / "__init__.py"
                if not marker.exists():
                    marker.write_bytes((folder / "__init__.py").read_bytes())
                folder = folder.parent
        again = analyze(RunConfig(paths=(base,), cache=False, jobs=jobs), paths=sorted(copied))
        files = [f for f in again.files if copied.get(f.path) in first]
        for outcome in rewrite_files(_subset(again, files), do_format=True):
            original = copied[outcome.path]
            if outcome.error:
                counts.crashes.append(f"{original} (second pass): {outcome.error}")
            elif outcome.updated != first[original]:
                counts.non_idempotent.append(str(original))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--max-rewrite", type=int, default=0, help="rewrite at most N relevant files per root (sampled)")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = sysconfig.get_paths()
    roots = args.roots or [Path(paths["stdlib"]), Path(paths["purelib"])]
    results = []
    for root in roots:
        counts = run_root(root, max_rewrite=args.max_rewrite, jobs=args.jobs, seed=args.seed)
        print(counts.line(), flush=True)
        for label, entries in (
            ("crash", counts.crashes),
            ("unparsable output", counts.unparsable),
            ("non-idempotent", counts.non_idempotent),
            ("changed without SQLAlchemy", counts.changed_without_sqlalchemy),
        ):
            for entry in entries:
                print(f"  {label}: {entry}", flush=True)
        results.append(counts)
    total = Counts(
        "total",
        files=sum(c.files for c in results),
        relevant=sum(c.relevant for c in results),
        rewritten=sum(c.rewritten for c in results),
        errors=sum(c.errors for c in results),
        changed=sum(c.changed for c in results),
        crashes=[x for c in results for x in c.crashes],
        unparsable=[x for c in results for x in c.unparsable],
        non_idempotent=[x for c in results for x in c.non_idempotent],
        changed_without_sqlalchemy=[x for c in results for x in c.changed_without_sqlalchemy],
        seconds=sum(c.seconds for c in results),
    )
    print(total.line())
    sys.exit(0 if total.ok else 1)


if __name__ == "__main__":
    main()
