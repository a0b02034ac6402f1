"""Real repositories as the judge: migrate each one with asyncify and run its own test suite.

    python bench/realworld/run.py NAME... [--mirror-root /work/.mirror] [--workdir DIR] [--asyncify CMD]
                                  [--rebaseline] [--no-docs]

NAME is a recipe in ``recipes.py`` (or ``all``). For each repository:

1. check out the pinned commit from ``<mirror-root>/<owner>+<name>/repo`` (a bare git directory) into
   ``<workdir>/src/NAME`` (``git archive``), apply the recipe's harness patch if any;
2. build ``<workdir>/NAME-venv`` from the recipe's pins (only when the pins changed);
3. run the suite unmigrated (baseline; reused from ``<workdir>/NAME-baseline.json`` while the commit and
   pins are the same, unless ``--rebaseline``);
4. copy the checkout to ``<workdir>/mig/NAME`` and run ``asyncify apply PATHS --report`` there, where a
   user would;
5. run the suite on the copy, same environment;
6. print a row and write it to ``<workdir>/NAME-row.json``, ``bench/realworld/results.json`` and
   ``docs/realworld.md``: baseline passed, migrated passed/failed/errors, report items by rule, sync
   leftovers in the files asyncify changed, the first failure of each kind, the commands to reproduce.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from recipes import HERE, RECIPES, Recipe

PROJECT = HERE.parent.parent
RESULTS = HERE / "results.json"
DOC = PROJECT / "docs" / "realworld.md"

SUMMARY_WORDS = (
    "passed",
    "failed",
    "errors",
    "error",
    "skipped",
    "xfailed",
    "xpassed",
    "deselected",
)
# what sync SQLAlchemy looks like when it is left in a file asyncify changed
LEFTOVERS = {
    ".query(": re.compile(r"\.query\("),
    "Session": re.compile(r"(?<![\w.])Session\b|\bsqlalchemy\.orm\.Session\b"),
    "sessionmaker(": re.compile(r"(?<![\w_])sessionmaker\("),
    "create_engine(": re.compile(r"(?<![\w_])create_engine\("),
}


@dataclass
class SuiteRun:
    """One pytest session: its counts and the tests that did not pass."""

    command: str
    summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(
        default_factory=list
    )  # test, phase, type, message
    seconds: float = 0.0
    returncode: int = 0


@dataclass
class Row:
    name: str
    repo: str
    sha: str
    database: str
    date: str
    asyncify: str
    baseline: dict[str, int]
    migrated: dict[str, int]
    apply_rc: int
    apply_errors: list[str]
    rules: dict[str, int]
    changed_files: int
    leftovers: dict[str, int]
    kinds: list[dict[str, str]]  # first failure of each kind
    timing_sensitive_failed: list[str]
    commands: list[str]


# --------------------------------------------------------------------------- running


def sh(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: int | None = None,
    log: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command, its output to LOG (or captured); never raise on a failing status."""
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            timeout=timeout,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except subprocess.TimeoutExpired as exc:
        out = (
            exc.stdout
            if isinstance(exc.stdout, str)
            else (exc.stdout or b"").decode(errors="replace")
        )
        proc = subprocess.CompletedProcess(
            cmd, 124, out + f"\n[timeout after {timeout} s]\n", None
        )
    if log is not None:
        log.write_text(proc.stdout or "", encoding="utf-8")
    return proc


def checkout(recipe: Recipe, mirror_root: Path, dest: Path) -> None:
    """`git archive` the pinned commit into DEST (a fresh folder), then apply the harness patch."""
    mirror = mirror_root / recipe.mirror_name / "repo"
    if not mirror.exists():
        sys.exit(f"no git mirror of {recipe.repo} at {mirror}")
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.Popen(
        ["git", f"--git-dir={mirror}", "archive", recipe.sha, *recipe.archive_paths],
        stdout=subprocess.PIPE,
    )
    subprocess.run(
        ["tar", "-x", "-C", str(dest), f"--strip-components={recipe.strip}"],
        stdin=archive.stdout,
        check=True,
    )
    if archive.wait() != 0:
        sys.exit(f"git archive {recipe.sha} failed in {mirror}")
    if recipe.patch:
        subprocess.run(
            ["patch", "-s", "-p1", "-d", str(dest), "-i", str(HERE / recipe.patch)],
            check=True,
        )


def pins_digest(recipe: Recipe) -> str:
    return hashlib.sha256(
        json.dumps([recipe.sha, recipe.pins, recipe.pip_args]).encode()
    ).hexdigest()[:16]


def build_venv(recipe: Recipe, work: Path, src: Path) -> Path:
    """The recipe's venv, installed from its pins; reinstalled only when the pins changed."""
    venv = work / f"{recipe.name}-venv"
    pins = work / f"{recipe.name}-pins.txt"
    stamp = venv / ".realworld-pins"
    pins.write_text("\n".join(recipe.pins) + "\n", encoding="utf-8")
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not stamp.exists() or stamp.read_text() != pins_digest(recipe):
        args = [
            a.format(pins=pins, src=src, venv=venv, work=work) for a in recipe.pip_args
        ]
        proc = sh(
            [str(venv / "bin" / "pip"), "install", "-q", *args],
            log=work / f"{recipe.name}-pip.log",
        )
        if proc.returncode != 0:
            sys.exit(
                f"pip install failed for {recipe.name}: see {work / f'{recipe.name}-pip.log'}"
            )
        stamp.write_text(pins_digest(recipe))
    return venv / "bin" / "python"


def suite_env(recipe: Recipe, venv_python: Path, src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update({k: v.format(src=src) for k, v in recipe.env.items()})
    if recipe.path_prepend_venv_bin:
        env["PATH"] = f"{venv_python.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_suite(
    recipe: Recipe, work: Path, src: Path, python: Path, phase: str
) -> list[SuiteRun]:
    runs = []
    for i, selection in enumerate(recipe.selections):
        if recipe.before_each:
            recipe.before_each(recipe, work, src, python)
        junit = work / f"{recipe.name}-{phase}-{i}.xml"
        junit.unlink(missing_ok=True)
        cmd = [str(python), "-m", "pytest", *selection, f"--junitxml={junit}"]
        started = time.monotonic()
        proc = sh(
            cmd,
            cwd=src,
            env=suite_env(recipe, python, src),
            timeout=recipe.timeout,
            log=work / f"{recipe.name}-{phase}-{i}.log",
        )
        run = SuiteRun(
            command=" ".join(["python", "-m", "pytest", *selection]),
            returncode=proc.returncode,
            seconds=round(time.monotonic() - started, 1),
        )
        run.summary, run.counts = parse_summary(proc.stdout or "")
        run.problems = parse_junit(junit)
        runs.append(run)
        print(
            f"  {phase} [{i}] {run.summary or '(no summary: rc=%d)' % proc.returncode}  ({run.seconds:.0f} s)"
        )
    return runs


def parse_summary(output: str) -> tuple[str, dict[str, int]]:
    """The counts of pytest's last summary line (`6 passed, 1 failed, 12 errors in 3.2s`)."""
    for line in reversed(output.splitlines()):
        found = re.findall(r"(\d+) (" + "|".join(SUMMARY_WORDS) + r")\b", line)
        if found and re.search(r"\bin [\d.]+s", line):
            counts: dict[str, int] = collections.Counter()
            for n, word in found:
                counts["errors" if word == "error" else word] += int(n)
            return line.strip(" ="), dict(counts)
    return "", {}


def parse_junit(path: Path) -> list[dict[str, str]]:
    """Every failure and error in a JUnit XML file: test id, phase, exception type and message."""
    if not path.exists():
        return []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return []
    problems = []
    for case in root.iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        for child in case:
            if child.tag not in ("failure", "error"):
                continue
            message = child.get("message", "") or ""
            phase = "call" if child.tag == "failure" else "setup"
            wrapped = re.match(
                r'failed on (setup|teardown) with "(.*)"$', message, re.S
            )
            if wrapped:
                phase, message = wrapped.group(1), wrapped.group(2)
            exc_type, text = split_exception(message, child.text or "")
            problems.append(
                {"test": test, "phase": phase, "type": exc_type, "message": text}
            )
    return problems


def split_exception(message: str, text: str) -> tuple[str, str]:
    """`AttributeError: 'x' has no 'y'` -> (AttributeError, 'x' has no 'y'); `assert ...` -> AssertionError."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    m = re.match(
        r"((?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Warning|Interrupt|Failed|Timeout|Greenlet)\w*)(?::\s*(.*))?$",
        first,
    )
    if m:
        return m.group(1), (m.group(2) or "").strip()
    if first.startswith("assert") or "AssertionError" in text:
        return "AssertionError", first
    # the exception line of the traceback, when the message is something else (pytest.fail, skips)
    for line in text.splitlines():
        m = re.match(r"E\s+([A-Za-z_][\w.]*(?:Error|Exception))(?::\s*(.*))?$", line)
        if m:
            return m.group(1), (m.group(2) or "").strip()
    return "Failure", first


def kind_of(problem: dict[str, str]) -> tuple[str, str, str]:
    """Failures of one kind: same phase, exception type and message up to addresses and numbers."""
    message = re.sub(r"0x[0-9a-fA-F]+", "0x…", problem["message"])
    message = re.sub(r"\d+", "N", message)
    if problem["type"] == "AssertionError":
        message = message[:40]
    return (problem["phase"], problem["type"], message[:160])


def first_of_each_kind(problems: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for p in problems:
        k = kind_of(p)
        counts[k] += 1
        seen.setdefault(k, p)
    return [
        {**p, "count": str(counts[k])}
        for k, p in sorted(seen.items(), key=lambda kv: -counts[kv[0]])
    ]


def migrate(
    recipe: Recipe, work: Path, src: Path, asyncify: list[str]
) -> tuple[Path, int, dict[str, object]]:
    mig = work / "mig" / recipe.name
    shutil.rmtree(mig, ignore_errors=True)
    mig.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        src,
        mig,
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"),
    )
    report = work / f"{recipe.name}-report.json"
    report.unlink(missing_ok=True)
    proc = sh(
        [*asyncify, "apply", *recipe.apply_paths, "--report", str(report)],
        cwd=mig,
        log=work / f"{recipe.name}-apply.log",
    )
    tail = (proc.stdout or "").strip().splitlines()[-6:]
    print(
        f"  asyncify apply rc={proc.returncode}"
        + "".join(f"\n    {line}" for line in tail)
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return mig, proc.returncode, data


def leftovers(mig: Path, changed: list[str]) -> dict[str, int]:
    """Sync SQLAlchemy spellings still present in the files asyncify changed."""
    counts = dict.fromkeys(LEFTOVERS, 0)
    for rel in changed:
        path = mig / rel
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lstrip().startswith("#"):
                continue
            for key, pattern in LEFTOVERS.items():
                counts[key] += len(pattern.findall(line))
    return counts


def total(runs: list[SuiteRun]) -> dict[str, int]:
    out: collections.Counter[str] = collections.Counter()
    for r in runs:
        out.update(r.counts)
        if not r.counts:
            out["no-summary"] += 1
    return dict(out)


def asyncify_version(asyncify: list[str]) -> str:
    head = sh(
        ["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"]
    ).stdout.strip()
    dirty = sh(
        ["git", "-C", str(PROJECT), "status", "--porcelain", "--", "sqla_asyncify"]
    ).stdout.strip()
    return f"{head}{'+dirty' if dirty else ''}"


def commands(recipe: Recipe) -> list[str]:
    """How to reproduce the run by hand, W being the work folder."""
    env = " ".join(
        f"{k}={v.format(src='$PWD')!r}" if " " in v else f"{k}={v.format(src='$PWD')}"
        for k, v in recipe.env.items()
    )
    path = (
        "PATH=$W/%s-venv/bin:$PATH " % recipe.name
        if recipe.path_prepend_venv_bin
        else ""
    )
    runs = [
        f"{path}{env + ' ' if env else ''}$W/{recipe.name}-venv/bin/python -m pytest {' '.join(s)}"
        for s in recipe.selections
    ]
    return [
        f"python bench/realworld/run.py {recipe.name} --workdir $W",
        f"cd $W/mig/{recipe.name} && asyncify apply {' '.join(recipe.apply_paths)} --report $W/{recipe.name}-report.json",
        *(f"cd $W/mig/{recipe.name} && {r}" for r in runs),
    ]


def run_recipe(recipe: Recipe, args: argparse.Namespace) -> Row:
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    print(f"== {recipe.name} ({recipe.repo} @ {recipe.sha[:7]})")
    src = work / "src" / recipe.name
    checkout(recipe, args.mirror_root, src)
    python = build_venv(recipe, work, src)
    if recipe.setup:
        recipe.setup(recipe, work, python)
    cached = work / f"{recipe.name}-baseline.json"
    baseline_runs: list[SuiteRun]
    if (
        not args.rebaseline
        and cached.exists()
        and json.loads(cached.read_text()).get("digest") == pins_digest(recipe)
    ):
        baseline_runs = [SuiteRun(**r) for r in json.loads(cached.read_text())["runs"]]
        print("  baseline (cached): " + "; ".join(r.summary for r in baseline_runs))
    else:
        baseline_runs = run_suite(recipe, work, src, python, "baseline")
        cached.write_text(
            json.dumps(
                {
                    "digest": pins_digest(recipe),
                    "runs": [asdict(r) for r in baseline_runs],
                }
            )
        )
    version = asyncify_version(args.asyncify)  # before the run: the code that migrated
    mig, rc, report = migrate(recipe, work, src, args.asyncify)
    migrated_runs = run_suite(recipe, work, mig, python, "migrated")
    problems = [p for r in migrated_runs for p in r.problems]
    timing = sorted(
        {
            p["test"]
            for p in problems
            if any(
                p["test"].endswith(t.split("::")[-1]) for t in recipe.timing_sensitive
            )
        }
    )
    items = report.get("items", [])
    changed = list(report.get("changed_files", []))
    return Row(
        name=recipe.name,
        repo=recipe.repo,
        sha=recipe.sha[:7],
        database=recipe.database,
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        asyncify=version,
        baseline=total(baseline_runs),
        migrated=total(migrated_runs),
        apply_rc=rc,
        apply_errors=[f"{e['path']}: {e['error']}" for e in report.get("errors", [])],
        rules=dict(collections.Counter(i["rule"] for i in items).most_common()),
        changed_files=len(changed),
        leftovers=leftovers(mig, changed),
        kinds=first_of_each_kind(problems),
        timing_sensitive_failed=timing,
        commands=commands(recipe),
    )


# --------------------------------------------------------------------------- output


def counts_text(c: dict[str, int]) -> str:
    order = ("passed", "failed", "errors", "skipped", "no-summary")
    return ", ".join(f"{c[k]} {k}" for k in order if c.get(k)) or "nothing ran"


def print_row(row: Row) -> None:
    print(
        f"-- {row.name}: baseline {counts_text(row.baseline)} | migrated {counts_text(row.migrated)} "
        f"| apply rc={row.apply_rc} | asyncify {row.asyncify}"
    )
    print(f"   report items: {row.rules}")
    print(f"   sync leftovers in {row.changed_files} changed files: {row.leftovers}")
    for e in row.apply_errors:
        print(f"   apply error: {e}")
    for k in row.kinds:
        print(
            f"   x{k['count']} {k['phase']} {k['type']}: {k['message'][:200]}  [{k['test']}]"
        )
    if row.timing_sensitive_failed:
        print(f"   timing-sensitive (excepted): {row.timing_sensitive_failed}")


def save(rows: list[Row]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for row in rows:
        entry = results.setdefault(row.name, {"history": []})
        entry["latest"] = asdict(row)
        entry["history"].append(
            {
                "date": row.date,
                "asyncify": row.asyncify,
                "baseline": row.baseline,
                "migrated": row.migrated,
                "apply_rc": row.apply_rc,
            }
        )
    RESULTS.write_text(
        json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    DOC.write_text(render_doc(results), encoding="utf-8")


def render_doc(results: dict[str, dict[str, object]]) -> str:
    lines = [
        "# Real repositories: migrated suites",
        "",
        "Real open-source applications on sync SQLAlchemy, each migrated with `asyncify apply` where a user",
        "would run it, then tested with its own suite. The recipes (pinned commit, venv pins, test selection,",
        "environment, where to apply, known timing-sensitive tests) are in `bench/realworld/recipes.py`; the",
        "repositories are checked out from git mirrors at run time and never copied into this project.",
        "",
        "    python bench/realworld/run.py NAME... --mirror-root DIR --workdir W [--asyncify CMD] [--rebaseline]",
        "",
        "`DIR/<owner>+<name>/repo` is a git directory (bare clone or mirror) of the repository. The table is",
        "regenerated from `bench/realworld/results.json` on every run. *Leftovers* count sync spellings",
        "(`.query(`, `Session`, `sessionmaker(`, `create_engine(`) still present in the files asyncify changed.",
        "",
        "| repository | commit | DB | baseline | migrated | apply | report items by rule | leftovers | asyncify, date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(results):
        r = results[name]["latest"]
        assert isinstance(r, dict)
        rules = ", ".join(f"{k} {v}" for k, v in sorted(r["rules"].items())) or "—"
        left = ", ".join(f"`{k}` {v}" for k, v in r["leftovers"].items() if v) or "—"
        lines.append(
            f"| {r['repo']} ({name}) | {r['sha']} | {r['database'].split(' ')[0]} | "
            f"{counts_text(r['baseline'])} | {counts_text(r['migrated'])} | rc={r['apply_rc']} | "
            f"{rules} | {left} | {r['asyncify']}, {r['date']} |"
        )
    for name in sorted(results):
        r = results[name]["latest"]
        assert isinstance(r, dict)
        lines += ["", f"## {name}: {r['repo']} @ {r['sha']}", ""]
        if r["apply_errors"]:
            lines += (
                ["asyncify errors:", ""]
                + [f"- `{e}`" for e in r["apply_errors"]]
                + [""]
            )
        if r["kinds"]:
            lines += ["First failure of each kind (count, phase, exception, test):", ""]
            for k in r["kinds"]:
                msg = k["message"].replace("|", "\\|").replace("\n", " ")[:240]
                lines.append(
                    f"- ×{k['count']} {k['phase']} `{k['type']}`: {msg} — `{k['test']}`"
                )
            lines.append("")
        else:
            lines += ["No failures.", ""]
        notes = RECIPES[name].notes if name in RECIPES else ""
        if notes:
            lines += [notes, ""]
        if r["timing_sensitive_failed"]:
            lines += [
                f"Timing-sensitive, excepted: {', '.join(r['timing_sensitive_failed'])}",
                "",
            ]
        lines += ["History (asyncify commit: migrated):", ""]
        history = results[name]["history"]
        assert isinstance(history, list)
        for h in history[-8:]:
            lines.append(
                f"- {h['date']}, {h['asyncify']}: {counts_text(h['migrated'])} (baseline {counts_text(h['baseline'])}, apply rc={h['apply_rc']})"
            )
        lines += (
            ["", "Reproduce (W = work folder):", "", "```"] + r["commands"] + ["```"]
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="+", help=f"recipes: {', '.join(RECIPES)} or all"
    )
    parser.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(os.environ.get("REALWORLD_DIR", "/tmp/realworld")),
    )
    parser.add_argument(
        "--asyncify",
        default=f"{sys.executable} -m sqla_asyncify",
        help="command that runs asyncify (default: this Python's sqla_asyncify)",
    )
    parser.add_argument(
        "--rebaseline",
        action="store_true",
        help="run the unmigrated suite even if cached",
    )
    parser.add_argument(
        "--no-docs",
        action="store_true",
        help="do not update results.json / docs/realworld.md",
    )
    parser.add_argument(
        "--rows",
        action="store_true",
        help="record the rows of the last runs in the work folder (NAME-row.json), run nothing",
    )
    args = parser.parse_args(argv)
    args.asyncify = args.asyncify.split()
    args.workdir = args.workdir.resolve()
    names = list(RECIPES) if args.names == ["all"] else args.names
    unknown = [n for n in names if n not in RECIPES]
    if unknown:
        parser.error(f"unknown recipe(s) {unknown}; known: {', '.join(RECIPES)}")
    rows = []
    if args.rows:
        for name in names:
            row = Row(**json.loads((args.workdir / f"{name}-row.json").read_text()))
            print_row(row)
            rows.append(row)
        names = []
    for name in names:
        row = run_recipe(RECIPES[name], args)
        (args.workdir / f"{name}-row.json").write_text(
            json.dumps(asdict(row), indent=1)
        )
        print_row(row)
        rows.append(row)
    if not args.no_docs:
        save(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
