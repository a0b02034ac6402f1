"""The pipeline: discover → parse → index → plan → rewrite → format → verify.

``analyze`` produces the read-only ``Analysis`` (parsed files, indexes, plan) that ``apply``,
``--check``, ``--interactive``, ``plan`` and ``audit`` all read; ``rewrite_files`` turns it into
per-file outcomes. Nothing here prints or writes: the CLI renders and emits. A file that cannot be
processed becomes an error outcome for that file; the rest of the run goes on.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from .discover import discover
from .formatting import format_changed
from .holds import held_functions, held_modules
from .index import ModuleIndex, index_module
from .names import is_package_init, module_name_for
from .plan import Plan
from .report import ReportItem
from .rewrite import rewrite_module
from .sourcefile import SourceError, read_source

Progress = Callable[[str, Path], None]


@dataclass(frozen=True)
class RunConfig:
    paths: tuple[Path, ...] = (Path("."),)
    exclude: tuple[str, ...] = ()
    keep_sync: tuple[str, ...] = ()
    format: bool = True


@dataclass
class ParsedFile:
    path: Path
    module_name: str
    source: bytes
    tree: cst.Module
    index: ModuleIndex


@dataclass
class FileOutcome:
    path: Path
    original: bytes
    updated: bytes
    items: list[ReportItem] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.error is None and self.updated != self.original


@dataclass
class Analysis:
    files: list[ParsedFile]
    plan: Plan
    errors: list[FileOutcome]
    #: Modules held sync whole: never rewritten.
    held_modules: frozenset[str] = frozenset()


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def parse_file(path: Path) -> ParsedFile:
    """Read, parse and index one file; ``SourceError`` says why it cannot be processed."""
    source = read_source(path)
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"does not parse: line {exc.raw_line}: {exc.message}") from exc
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        raise SourceError(f"cannot be decoded: {exc}") from exc
    module_name = module_name_for(path)
    index = index_module(tree, module_name, display_path(path), is_package_init(path))
    return ParsedFile(path, module_name, source, tree, index)


def analyze(config: RunConfig, progress: Progress | None = None, paths: Sequence[Path] | None = None) -> Analysis:
    """Parse and index every discovered file, then plan the whole project."""
    files: list[ParsedFile] = []
    errors: list[FileOutcome] = []
    for path in paths if paths is not None else list(discover(config.paths, config.exclude)):
        if progress:
            progress("index", path)
        try:
            files.append(parse_file(path))
        except SourceError as exc:
            errors.append(FileOutcome(path, b"", b"", error=str(exc)))
        except RecursionError:
            errors.append(FileOutcome(path, b"", b"", error="too deeply nested to analyze"))
    plan = Plan.build((f.index for f in files), held_sync=_held_sync(files, config.keep_sync))
    held = frozenset(held_modules((f.index for f in files), config.keep_sync))
    return Analysis(files, plan, errors, held)


def _held_sync(files: Iterable[ParsedFile], patterns: Sequence[str]) -> dict[str, str]:
    return held_functions((f.index for f in files), patterns)


def _newline_text(module: cst.Module, code: str) -> str:
    return code.replace(module.default_newline, "\n") if module.default_newline != "\n" else code


def rewrite_file(parsed: ParsedFile, plan: Plan, do_format: bool = True) -> FileOutcome:
    """Rewrite one parsed file against the plan; never raises for a bad file."""
    try:
        tree, items = rewrite_module(parsed.tree, plan, parsed.module_name, parsed.index.path)
        if tree.deep_equals(parsed.tree) or tree.code == parsed.tree.code:
            return FileOutcome(parsed.path, parsed.source, parsed.source, items)
        code = tree.code
        if do_format:
            formatted = format_changed(_newline_text(parsed.tree, parsed.tree.code), _newline_text(tree, code))
            code = formatted.replace("\n", tree.default_newline) if tree.default_newline != "\n" else formatted
        ast.parse(code)  # verify: the output must parse
        updated = code.encode(tree.encoding)
    except Exception as exc:  # an internal error on one file must not stop the run
        return FileOutcome(
            parsed.path, parsed.source, parsed.source, error=f"internal error, file left unchanged: {exc!r}"
        )
    return FileOutcome(parsed.path, parsed.source, updated, items)


def rewrite_files(
    analysis: Analysis, progress: Progress | None = None, do_format: bool = True
) -> list[FileOutcome]:
    outcomes = []
    for parsed in analysis.files:
        if progress:
            progress("rewrite", parsed.path)
        if parsed.module_name in analysis.held_modules:
            outcomes.append(FileOutcome(parsed.path, parsed.source, parsed.source))
            continue
        outcomes.append(rewrite_file(parsed, analysis.plan, do_format))
    return outcomes


@dataclass
class RunResult:
    analysis: Analysis
    outcomes: list[FileOutcome]

    @property
    def errors(self) -> list[FileOutcome]:
        return [*self.analysis.errors, *(o for o in self.outcomes if o.error)]

    @property
    def changed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.changed]

    @property
    def items(self) -> list[ReportItem]:
        return sorted({*self.analysis.plan.items, *(i for o in self.outcomes for i in o.items)})


def run(config: RunConfig, progress: Progress | None = None) -> RunResult:
    """Analyze and rewrite, in memory. Emitting (diff, write) is the caller's job."""
    analysis = analyze(config, progress)
    return RunResult(analysis, rewrite_files(analysis, progress, config.format))
