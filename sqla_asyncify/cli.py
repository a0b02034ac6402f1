"""The ``asyncify`` command line: parse options, call the pipeline, render with rich, exit 0/1/2.

Exit codes: 0 success or nothing to do; 1 ``--check`` found work (a change or a manual item);
2 usage errors, or files that could not be processed (each named on stderr; the rest still ran).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import __version__, run_cache
from .config import EXPIRE_POLICIES, ConfigError, load_config
from .formatting import BlackStyle
from .runconfig import RunConfig

if TYPE_CHECKING:
    from .pipeline import FileOutcome, RunResult
    from .report import ReportItem

# The pipeline (libcst, the plan), rich's tables and progress bars, the dependency files
# (packaging) and the rule pages are imported where they are used: a run the run cache answers
# (run_cache.py) needs none of them.

app = typer.Typer(
    name="asyncify",
    help="Migrate synchronous SQLAlchemy code (Session, legacy Query) to async SQLAlchemy 2.x.",
    no_args_is_help=True,
    add_completion=False,
    # Help texts name `[tool.asyncify]` and `[rule]`: literal text, not rich markup.
    rich_markup_mode=None,
)
#: Paths, code and messages are data: no console interprets ``[brackets]`` as markup, ``:100:`` as an
#: emoji shortcode, or highlights numbers in them. Styles are given explicitly (``Text``).
_PLAIN = {"markup": False, "emoji": False, "highlight": False}
err = Console(stderr=True, **_PLAIN)  # type: ignore[arg-type]

PathsArg = Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: .)", show_default=False)]
ExcludeOpt = Annotated[list[str], typer.Option("--exclude", help="gitignore-style pattern to skip (repeatable).")]
KeepSyncOpt = Annotated[
    list[str], typer.Option("--keep-sync", help="Hold `module` or `module:function` sync (repeatable).")
]
ExpireOpt = Annotated[
    Optional[str],
    typer.Option(
        "--expire-on-commit",
        help='"false" (default): converted sessionmakers get expire_on_commit=False (reported); '
        '"keep": they keep expiring and reads after commit are refreshed. Overrides [tool.asyncify].',
        show_default=False,
    ),
]


ColorOpt = Annotated[
    str,
    typer.Option(
        "--color",
        help="auto (colour on a terminal unless NO_COLOR is set), always or never.",
    ),
]


def _error(message: str) -> None:
    err.print(Text.assemble(("error:", "red"), " ", message), soft_wrap=True)


def _use_color(choice: str, stream: object) -> bool:
    """Whether to colour what goes to ``stream``: ``--color``, then NO_COLOR (https://no-color.org)."""
    if choice not in ("auto", "always", "never"):
        _error(f"--color must be auto, always or never, not {choice!r}")
        raise typer.Exit(2)
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _console(stderr: bool = False, color: str = "auto") -> Console:
    """A console for data (no markup, no emoji); ``--color never`` takes its colour away too."""
    return Console(stderr=stderr, no_color=color == "never" or None, **_PLAIN)  # type: ignore[arg-type]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"asyncify {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """asyncify: sync SQLAlchemy → async SQLAlchemy 2.x, exactly, or a report of what it left."""


def _config(
    paths: list[Path] | None,
    exclude: list[str],
    keep_sync: list[str],
    no_format: bool = False,
    jobs: int | None = None,
    no_cache: bool = False,
    expire_on_commit: str | None = None,
) -> RunConfig:
    """The run's configuration: ``[tool.asyncify]`` from pyproject.toml, overridden by flags."""
    paths = paths or [Path(".")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        _error(f"no such file or folder: {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    try:
        file_config = load_config(paths)
    except ConfigError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    if expire_on_commit is not None and expire_on_commit not in EXPIRE_POLICIES:
        _error(f"--expire-on-commit must be false or keep, not {expire_on_commit!r}")
        raise typer.Exit(2)
    return RunConfig(
        tuple(paths),
        (*(file_config.exclude or ()), *file_config.extend_exclude, *exclude),
        (*file_config.keep_sync, *keep_sync),
        format=not no_format,
        jobs=jobs if jobs is not None else file_config.jobs,
        cache=not no_cache,
        async_drivers=file_config.async_driver,
        expire_on_commit=expire_on_commit or file_config.expire_on_commit or "false",
        black=BlackStyle.for_paths(paths),
    )


def _run(config: RunConfig, show_progress: bool) -> RunResult:
    """Analyze and rewrite, with a progress bar on a terminal."""
    from .pipeline import analyze, rewrite_consistently

    if not show_progress:
        return rewrite_consistently(analyze(config), do_format=config.format)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("indexing", total=None)

        def tick(stage: str, path: Path) -> None:
            progress.update(task, description="indexing" if stage == "index" else "rewriting", advance=1)

        analysis = analyze(config, tick)
        progress.update(task, completed=0, total=len(analysis.files))
        return rewrite_consistently(analysis, tick, config.format)


def _report_errors(errors: list[FileOutcome]) -> None:
    from .pipeline import display_path

    for e in errors:
        _error(f"{display_path(e.path)}: {e.error}")


def _print_items(items: list[ReportItem], console: Console, format: str = "text") -> None:
    """Report items as text lines (``path:line: [rule] … (see docs/rules/<rule>.md)``), GitHub
    annotations or SARIF; written as they are, never wrapped or interpreted."""
    from .formats import github_annotations, sarif

    if format == "github":
        console.out(github_annotations(items), end="")
    elif format == "sarif":
        console.out(sarif(items), end="")
    else:
        for item in items:
            console.out(str(item))


def _emit_items(result: RunResult, written: list[Path], format: str, console: Console) -> None:
    """The run's report items in ``format``; ``json`` is the whole report (``docs/json-report.md``)."""
    from .emit import json_report

    if format == "json":
        console.out(json_report(result, written))
    else:
        _print_items(result.items, console, format)


def _summary(result: RunResult, written: int, console: Console) -> None:
    from rich.table import Table

    plan = result.analysis.plan
    table = Table(title="asyncify summary", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files scanned", str(len(result.analysis.files) + len(result.analysis.errors)))
    table.add_row("files changed", str(len(result.changed)))
    table.add_row("files written", str(written))
    table.add_row("files unchanged", str(len(result.outcomes) - len(result.changed) - len([o for o in result.outcomes if o.error])))
    table.add_row("files skipped (errors)", str(len(result.errors)))
    table.add_row("functions made async", str(len(plan.to_async)))
    table.add_row("manual items", str(len(result.items)))
    console.print(table)


def _dependencies(result: RunResult, config: RunConfig, console: Console, add: bool) -> None:
    """What the migrated code needs: the install command for the project's dependency file, or,
    with ``--add-dependencies``, the edits that wrote it there."""
    from . import depfiles
    from .dependencies import required_packages, runtime_url_drivers
    from .pipeline import display_path

    packages = required_packages(o.updated for o in result.changed)
    packages = sorted({*packages, *runtime_url_drivers(
        (o.updated for o in result.changed), (f.source for f in result.analysis.files), result.analysis.plan.async_drivers
    )})
    if not packages:
        return
    console.print(f"The migrated code needs: {', '.join(packages)}", soft_wrap=True)
    dep = depfiles.find(depfiles.project_root(config.paths))
    if add and dep is not None:
        done = depfiles.add(dep, packages)
        for line in done or [f"{display_path(dep.path)}: already declares them"]:
            console.print(f"  {line}", soft_wrap=True)
        for note in dep.notes:
            console.print(f"  note: {note}", soft_wrap=True)
        return
    if add:
        console.print("  no pyproject.toml or requirements.txt found to add them to", soft_wrap=True)
    where = f" ({display_path(dep.path)})" if dep is not None else ""
    console.print(f"Install them{where}:", soft_wrap=True)
    for command in depfiles.install_command(dep, packages):
        console.print(f"  {command}", soft_wrap=True)
    if dep is not None and dep.kind in ("pep621", "requirements"):
        console.print(f"  and declare them in {display_path(dep.path)}: asyncify apply --add-dependencies", soft_wrap=True)


def _emit_diff(outcome: FileOutcome, color: bool) -> None:
    from .emit import color_diff, unified_diff

    data = unified_diff(outcome)
    if color:
        data = color_diff(data)
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
    else:  # pragma: no cover - text-only stdout
        sys.stdout.write(data.decode("utf-8", "replace"))


FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="How report items are printed: text (path:line: [rule] …), json (the --report document), "
        "github (Actions annotations) or sarif (SARIF 2.1.0).",
    ),
]


@app.command()
def apply(
    paths: PathsArg = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print a unified diff of every change; write nothing.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 while anything is left to migrate.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Review each file's diff: y/n/a/q.")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write a JSON report of changes and manual items.")] = None,
    format: FormatOpt = "text",
    add_dependencies: Annotated[
        bool,
        typer.Option(
            "--add-dependencies",
            help="Write the packages the migrated code needs into the project's pyproject.toml, "
            "Poetry table or requirements file.",
        ),
    ] = False,
    project: Annotated[
        bool,
        typer.Option("--project", help="PATHS are files (as pre-commit passes them): run on the project holding them."),
    ] = False,
    color: ColorOpt = "auto",
    exclude: ExcludeOpt = [],  # noqa: B006 - typer needs a literal default
    keep_sync: KeepSyncOpt = [],  # noqa: B006
    no_format: Annotated[bool, typer.Option("--no-format", help="Do not run black on changed files.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write .asyncify_cache/.")] = False,
    expire_on_commit: ExpireOpt = None,
) -> None:
    """Migrate PATHS to async SQLAlchemy (writes files unless --dry-run/--check)."""
    if sum((dry_run, check, interactive)) > 1:
        _error("--dry-run, --check and --interactive are exclusive")
        raise typer.Exit(2)
    from .formats import ITEM_FORMATS

    if format not in ITEM_FORMATS:
        _error(f"--format must be {', '.join(ITEM_FORMATS[:-1])} or {ITEM_FORMATS[-1]}, not {format!r}")
        raise typer.Exit(2)
    if add_dependencies and (dry_run or check):
        _error("--add-dependencies writes files: not with --dry-run or --check")
        raise typer.Exit(2)
    use_color = _use_color(color, sys.stdout)
    config = _config(_projects(paths) if project else paths, exclude, keep_sync, no_format, jobs, no_cache, expire_on_commit)
    if check:  # only whether files change is read: a changed file needs formatting only rarely
        config = replace(config, check=True)
    # stdout carries the diff (--dry-run) or the machine-readable items (--format json/github/sarif);
    # everything for people then goes to stderr.
    if check and report is None:
        # Nothing is written: when no input changed, the output is the last run's (run_cache.py).
        options = (format, color, project, paths, exclude, keep_sync, no_format, expire_on_commit)
        run_cache.cached_run(
            "apply --check", options, config,
            lambda recording: _apply(config, recording, check=True, format=format, color=color),
        )
        return
    _apply(config, None, dry_run, check, interactive, report, format, add_dependencies, color, use_color)


def _apply(
    config: RunConfig,
    recording: run_cache.Recording | None,
    dry_run: bool = False,
    check: bool = False,
    interactive: bool = False,
    report: Path | None = None,
    format: str = "text",
    add_dependencies: bool = False,
    color: str = "auto",
    use_color: bool = False,
) -> None:
    """``apply`` once its options are checked: run, then print, write or review."""
    from .emit import json_report, write_outcomes
    from .pipeline import display_path

    machine = format != "text"
    out = _console(stderr=dry_run, color=color)
    people = _console(stderr=True, color=color) if machine or dry_run else out
    result = _run(config, show_progress=err.is_terminal and not interactive)
    if recording is not None:
        recording.stats = {k: result.analysis.stats[k] for k in ("files", "relevant") if k in result.analysis.stats}
    written: list[Path] = []
    if dry_run:
        for outcome in result.changed:
            _emit_diff(outcome, use_color)
    elif check:
        for outcome in result.changed:
            people.print(f"would migrate {display_path(outcome.path)}", soft_wrap=True)
    elif interactive:
        result, written = _interactive(result.analysis.config, result, out, use_color)
    else:
        failures = write_outcomes(result.changed)
        written = [o.path for o in result.changed if o.path not in {p for p, _ in failures}]
        for path, message in failures:
            _error(f"{display_path(path)}: {message}")
        if failures:
            _emit_items(result, written, format, _console())
            _summary(result, len(written), people)
            raise typer.Exit(2)
    _emit_items(result, written, format, err if dry_run else _console())
    if report is not None:
        report.write_text(json_report(result, written), encoding="utf-8")
    if not dry_run:
        _summary(result, len(written), people if not check else err)
        _dependencies(result, config, people if not check else err, add_dependencies)
    _report_errors(result.errors)
    if result.errors:
        raise typer.Exit(2)
    if check and (result.changed or result.items):
        raise typer.Exit(1)


def _projects(paths: list[Path] | None) -> list[Path]:
    """The project folder of each file (pre-commit's file list): the nearest folder above it with a
    pyproject.toml, setup.py, setup.cfg or requirements file, else the current folder. Each project
    once, and one inside another only as part of the outer one: the plan needs the whole project."""
    from . import depfiles

    cwd = Path.cwd().resolve()
    roots: list[Path] = []
    for path in paths or [Path(".")]:
        root = depfiles.project_root([path])
        if any(root.is_relative_to(r) for r in roots):
            continue
        roots = [r for r in roots if not r.is_relative_to(root)] + [root]
    return [Path(os.path.relpath(r, cwd)) if r.is_relative_to(cwd) else r for r in roots]


def _interactive(config: RunConfig, result: RunResult, out: Console, color: bool) -> tuple[RunResult, list[Path]]:
    """Per-file review. A skipped file is held sync and the plan recomputed, so accepted files never
    await a function that stays sync, nor call one that became async without awaiting it."""
    from .emit import write_outcomes
    from .pipeline import analyze, display_path, rewrite_consistently

    accepted: dict[Path, bytes] = {}
    skipped: set[Path] = set()
    accept_all = False
    while True:
        pending = [o for o in result.changed if o.path not in accepted and o.path not in skipped]
        if not pending:
            break
        outcome = pending[0]
        answer = "y" if accept_all else None
        if answer is None:
            out.rule(display_path(outcome.path))
            _emit_diff(outcome, color)
            answer = typer.prompt("Apply this change? [y]es, [n]o, [a]ll remaining, [q]uit", default="y").strip().lower()[:1]
        if answer == "q":
            break
        if answer == "a":
            accept_all = True
            answer = "y"
        if answer == "y":
            accepted[outcome.path] = outcome.updated
            continue
        if answer != "n":
            out.print("please answer y, n, a or q")
            continue
        skipped.add(outcome.path)
        before = {o.path: o.updated for o in result.outcomes}
        modules = {f.module_name for f in result.analysis.files if f.path in skipped}
        config = replace(
            config, keep_sync=tuple(sorted({*config.keep_sync, *modules})), frozen=tuple(sorted({*config.frozen, *modules}))
        )
        analysis = analyze(config, paths=[f.path for f in result.analysis.files])
        result = rewrite_consistently(analysis, do_format=config.format)
        now = {o.path: o for o in result.outcomes}
        affected = sorted(p for p in before if p not in skipped and now[p].updated != before[p])
        if affected:
            out.print(f"Holding {display_path(outcome.path)} sync changed the plan for:", soft_wrap=True)
            for p in affected:
                state = "accepted, will be written as re-planned" if p in accepted else "pending"
                out.print(f"  {display_path(p)} ({state})", soft_wrap=True)
        for p in list(accepted):  # accepted files are written as the final plan has them
            accepted[p] = now[p].updated
            if now[p].updated == now[p].original:
                del accepted[p]
    final = [o for o in result.outcomes if o.path in accepted]
    failures = write_outcomes(final)
    for path, message in failures:
        _error(f"{display_path(path)}: {message}")
    return result, [o.path for o in final if o.path not in {p for p, _ in failures}]


@app.command()
def plan(
    paths: PathsArg = None,
    exclude: ExcludeOpt = [],  # noqa: B006
    keep_sync: KeepSyncOpt = [],  # noqa: B006
    expire_on_commit: ExpireOpt = None,
    color: ColorOpt = "auto",
) -> None:
    """Explain why each function becomes async (the chain of calls down to session I/O), and what
    loads each relationship after the migration."""
    _use_color(color, sys.stdout)
    config = _config(paths, exclude, keep_sync, expire_on_commit=expire_on_commit)
    options = (color, paths, exclude, keep_sync, expire_on_commit)
    run_cache.cached_run("plan", options, config, lambda recording: _plan(config, color, recording))


def _plan(config: RunConfig, color: str, recording: run_cache.Recording) -> None:
    """``plan`` once its options are checked."""
    from .pipeline import analyze

    analysis = analyze(config)
    recording.stats = {k: analysis.stats[k] for k in ("files", "relevant") if k in analysis.stats}
    the_plan = analysis.plan
    console = _console(color=color)
    if not the_plan.to_async:
        console.print("No function needs to become async.")
    for fn in sorted(the_plan.to_async, key=lambda q: (the_plan.path_of(q), the_plan.functions[q].line)):
        info = the_plan.functions[fn]
        chain = " -> ".join(the_plan.chain(fn))
        console.out(f"{the_plan.path_of(fn)}:{info.line}: {chain}")
    if the_plan.items:
        console.print("\nStays sync (reported):")
        _print_items(sorted(the_plan.items), console)
    decisions = the_plan.loading.decisions
    if decisions:
        console.print("\nRelationships (what loads each after the migration):")
        labels = {"untouched": "left lazy", "options": "loaded by the queries that read it", "selectin": 'lazy="selectin"',
                  "read-loaded": "left lazy, loaded where it is read (greenlet-loads)"}
        for (owner, attr), decision in sorted(decisions.items()):
            module = next((m for m in the_plan.modules.values() if any(c.qualname == owner for c in m.classes)), None)
            where = f"{module.path}:{next(c.line for c in module.classes if c.qualname == owner)}" if module else owner
            console.print(
                f"{where}: {decision.rel.name}: {labels[decision.kind]} ({'; '.join(decision.reasons)})",
                highlight=False, soft_wrap=True, markup=False,
            )
    _report_errors(analysis.errors)
    if analysis.errors:
        raise typer.Exit(2)


AUDIT_FORMATS = ("table", "markdown", "json", "github", "sarif")


@app.command()
def audit(
    paths: PathsArg = None,
    format: Annotated[
        str, typer.Option("--format", help="table, markdown, json, or the report items as github annotations or sarif.")
    ] = "table",
    project: Annotated[
        bool,
        typer.Option("--project", help="PATHS are files (as pre-commit passes them): run on the project holding them."),
    ] = False,
    color: ColorOpt = "auto",
    exclude: ExcludeOpt = [],  # noqa: B006
    keep_sync: KeepSyncOpt = [],  # noqa: B006
    expire_on_commit: ExpireOpt = None,
) -> None:
    """Where a partial migration stands (read-only). Exit 1 while anything not held sync remains."""
    if format not in AUDIT_FORMATS:
        _error(f"--format must be {', '.join(AUDIT_FORMATS[:-1])} or {AUDIT_FORMATS[-1]}, not {format!r}")
        raise typer.Exit(2)
    _use_color(color, sys.stdout)
    config = _config(_projects(paths) if project else paths, exclude, keep_sync, expire_on_commit=expire_on_commit)
    options = (format, color, project, paths, exclude, keep_sync, expire_on_commit)
    run_cache.cached_run("audit", options, config, lambda recording: _audit(config, format, color, recording))


def _audit(config: RunConfig, format: str, color: str, recording: run_cache.Recording) -> None:
    """``audit`` once its options are checked."""
    from rich.table import Table

    from .audit import audit as build_audit

    result = _run(config, show_progress=False)
    recording.stats = {k: result.analysis.stats[k] for k in ("files", "relevant") if k in result.analysis.stats}
    report = build_audit(result)
    console = _console(color=color)
    if format == "json":
        console.out(report.to_json())
    elif format == "markdown":
        console.out(report.to_markdown(), end="")
    elif format in ("github", "sarif"):
        _print_items(result.items, console, format)
    else:
        # Off a terminal (a CI log, a pipe) nothing is cut to fit 80 columns: the table takes the
        # width its cells need, so every path is printed whole.
        wide = console if console.is_terminal else _console(color=color)
        if not console.is_terminal:
            wide.width = 100_000
        table = Table(title="asyncify audit")
        for column in ("file", "async", "to migrate", "held sync", "legacy queries", "bridges", "items"):
            table.add_column(column, justify="left" if column in ("file", "items") else "right", overflow="fold")
        for f in report.files:
            items = ", ".join(f"{rule}: {n}" for rule, n in sorted(f.items.items()))
            table.add_row(
                f.path, str(f.async_functions), str(len(f.to_migrate)), str(len(f.held_sync)),
                str(f.legacy_queries), str(f.bridges), items,
            )
        wide.print(table)
        for name, value in report.totals().items():
            console.out(f"{name}: {value}")
        for f in report.files:
            for qualname, why in f.held_sync.items():
                console.out(f"held sync: {qualname} ({f.path}): {why}")
    _report_errors(result.errors)
    if result.errors:
        raise typer.Exit(2)
    if report.remaining:
        raise typer.Exit(1)


@app.command()
def explain(
    rule: Annotated[Optional[str], typer.Argument(help="A rule id, as report lines show it in [brackets].")] = None,
    list_rules: Annotated[bool, typer.Option("--list", help="List every rule with its one-line summary.")] = False,
) -> None:
    """Print the page of a rule (what it does, why, before/after, how to fix or hold by hand)."""
    from . import ruledocs

    console = _console()
    if list_rules or rule is None:
        ids = ruledocs.rule_ids()
        width = max(map(len, ids))
        for rid in ids:
            console.out(f"{rid:<{width}}  {ruledocs.summary(rid)}")
        return
    text = ruledocs.page(rule)
    if text is None:
        _error(f"no rule {rule!r}; asyncify explain --list shows them all")
        raise typer.Exit(2)
    console.out(text, end="")


def main() -> None:
    app()
