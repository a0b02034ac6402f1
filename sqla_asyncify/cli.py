"""The ``asyncify`` command line: parse options, call the pipeline, render with rich, exit 0/1/2.

Exit codes: 0 success or nothing to do; 1 ``--check`` found work (a change or a manual item);
2 usage errors, or files that could not be processed (each named on stderr; the rest still ran).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from . import __version__
from .audit import audit as build_audit
from .config import EXPIRE_POLICIES, ConfigError, load_config
from .dependencies import required_packages, runtime_url_drivers
from .emit import json_report, unified_diff, write_outcomes
from .formatting import BlackStyle
from .pipeline import FileOutcome, RunConfig, RunResult, analyze, display_path, rewrite_consistently
from .report import ReportItem

app = typer.Typer(
    name="asyncify",
    help="Migrate synchronous SQLAlchemy code (Session, legacy Query) to async SQLAlchemy 2.x.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

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
        err.print(f"[red]error:[/] no such file or folder: {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    try:
        file_config = load_config(paths)
    except ConfigError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, markup=False)
        raise typer.Exit(2) from None
    if expire_on_commit is not None and expire_on_commit not in EXPIRE_POLICIES:
        err.print(f"[red]error:[/] --expire-on-commit must be false or keep, not {expire_on_commit!r}")
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
    if not show_progress:
        return rewrite_consistently(analyze(config), do_format=config.format)
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
    for e in errors:
        err.print(f"[red]error:[/] {display_path(e.path)}: {e.error}", highlight=False, soft_wrap=True)


def _print_items(items: list[ReportItem], console: Console) -> None:
    for item in items:
        console.print(str(item), highlight=False, soft_wrap=True, markup=False)


def _summary(result: RunResult, written: int, console: Console) -> None:
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
    packages = required_packages(o.updated for o in result.changed)
    packages = sorted({*packages, *runtime_url_drivers(
        (o.updated for o in result.changed), (f.source for f in result.analysis.files), plan.async_drivers
    )})
    if packages:
        console.print(f"The migrated code needs: {', '.join(packages)}", highlight=False, markup=False)


def _emit_diff(outcome: FileOutcome) -> None:
    data = unified_diff(outcome)
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
    else:  # pragma: no cover - text-only stdout
        sys.stdout.write(data.decode("utf-8", "replace"))


@app.command()
def apply(
    paths: PathsArg = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print a unified diff of every change; write nothing.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 while anything is left to migrate.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Review each file's diff: y/n/a/q.")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write a JSON report of changes and manual items.")] = None,
    exclude: ExcludeOpt = [],  # noqa: B006 - typer needs a literal default
    keep_sync: KeepSyncOpt = [],  # noqa: B006
    no_format: Annotated[bool, typer.Option("--no-format", help="Do not run black on changed files.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write .asyncify_cache/.")] = False,
    expire_on_commit: ExpireOpt = None,
) -> None:
    """Migrate PATHS to async SQLAlchemy (writes files unless --dry-run/--check)."""
    if sum((dry_run, check, interactive)) > 1:
        err.print("[red]error:[/] --dry-run, --check and --interactive are exclusive")
        raise typer.Exit(2)
    config = _config(paths, exclude, keep_sync, no_format, jobs, no_cache, expire_on_commit)
    out = Console(stderr=dry_run)  # a dry run keeps stdout for the diff alone
    result = _run(config, show_progress=err.is_terminal and not interactive)
    written: list[Path] = []
    if dry_run:
        for outcome in result.changed:
            _emit_diff(outcome)
        _print_items(result.items, err)
    elif check:
        for outcome in result.changed:
            out.print(f"would migrate {display_path(outcome.path)}", highlight=False)
        _print_items(result.items, out)
    elif interactive:
        result, written = _interactive(result.analysis.config, result, out)
    else:
        failures = write_outcomes(result.changed)
        written = [o.path for o in result.changed if o.path not in {p for p, _ in failures}]
        for path, message in failures:
            err.print(f"[red]error:[/] {display_path(path)}: {message}", highlight=False)
        _print_items(result.items, out)
        if failures:
            _summary(result, len(written), out)
            raise typer.Exit(2)
    if report is not None:
        report.write_text(json_report(result, written), encoding="utf-8")
    if not dry_run:
        _summary(result, len(written), out if not check else err)
    _report_errors(result.errors)
    if result.errors:
        raise typer.Exit(2)
    if check and (result.changed or result.items):
        raise typer.Exit(1)


def _interactive(config: RunConfig, result: RunResult, out: Console) -> tuple[RunResult, list[Path]]:
    """Per-file review. A skipped file is held sync and the plan recomputed, so accepted files never
    await a function that stays sync, nor call one that became async without awaiting it."""
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
            out.print(unified_diff(outcome).decode("utf-8", "replace"), markup=False, highlight=False)
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
            out.print(f"Holding {display_path(outcome.path)} sync changed the plan for:", highlight=False)
            for p in affected:
                state = "accepted, will be written as re-planned" if p in accepted else "pending"
                out.print(f"  {display_path(p)} ({state})", highlight=False)
        for p in list(accepted):  # accepted files are written as the final plan has them
            accepted[p] = now[p].updated
            if now[p].updated == now[p].original:
                del accepted[p]
    final = [o for o in result.outcomes if o.path in accepted]
    failures = write_outcomes(final)
    for path, message in failures:
        err.print(f"[red]error:[/] {display_path(path)}: {message}", highlight=False)
    return result, [o.path for o in final if o.path not in {p for p, _ in failures}]


@app.command()
def plan(
    paths: PathsArg = None,
    exclude: ExcludeOpt = [],  # noqa: B006
    keep_sync: KeepSyncOpt = [],  # noqa: B006
    expire_on_commit: ExpireOpt = None,
) -> None:
    """Explain why each function becomes async: the chain of calls down to session I/O."""
    config = _config(paths, exclude, keep_sync, expire_on_commit=expire_on_commit)
    analysis = analyze(config)
    the_plan = analysis.plan
    console = Console()
    if not the_plan.to_async:
        console.print("No function needs to become async.")
    for fn in sorted(the_plan.to_async, key=lambda q: (the_plan.path_of(q), the_plan.functions[q].line)):
        info = the_plan.functions[fn]
        chain = " -> ".join(the_plan.chain(fn))
        console.print(f"{the_plan.path_of(fn)}:{info.line}: {chain}", highlight=False, soft_wrap=True, markup=False)
    if the_plan.items:
        console.print("\nStays sync (reported):")
        _print_items(sorted(the_plan.items), console)
    _report_errors(analysis.errors)
    if analysis.errors:
        raise typer.Exit(2)


@app.command()
def audit(
    paths: PathsArg = None,
    format: Annotated[str, typer.Option("--format", help="table, markdown or json.")] = "table",
    exclude: ExcludeOpt = [],  # noqa: B006
    keep_sync: KeepSyncOpt = [],  # noqa: B006
    expire_on_commit: ExpireOpt = None,
) -> None:
    """Where a partial migration stands (read-only). Exit 1 while anything not held sync remains."""
    if format not in ("table", "markdown", "json"):
        err.print(f"[red]error:[/] --format must be table, markdown or json, not {format!r}")
        raise typer.Exit(2)
    config = _config(paths, exclude, keep_sync, expire_on_commit=expire_on_commit)
    result = _run(config, show_progress=False)
    report = build_audit(result)
    console = Console()
    if format == "json":
        console.print_json(report.to_json())
    elif format == "markdown":
        console.print(report.to_markdown(), markup=False, highlight=False, soft_wrap=True)
    else:
        table = Table(title="asyncify audit")
        for column in ("file", "async", "to migrate", "held sync", "legacy queries", "bridges", "items"):
            table.add_column(column, justify="left" if column in ("file", "items") else "right")
        for f in report.files:
            items = ", ".join(f"{rule}: {n}" for rule, n in sorted(f.items.items()))
            table.add_row(
                f.path, str(f.async_functions), str(len(f.to_migrate)), str(len(f.held_sync)),
                str(f.legacy_queries), str(f.bridges), items,
            )
        console.print(table)
        for name, value in report.totals().items():
            console.print(f"{name}: {value}", highlight=False)
        for f in report.files:
            for qualname, why in f.held_sync.items():
                console.print(f"held sync: {qualname} ({f.path}): {why}", highlight=False, markup=False)
    _report_errors(result.errors)
    if result.errors:
        raise typer.Exit(2)
    if report.remaining:
        raise typer.Exit(1)


def main() -> None:
    app()
