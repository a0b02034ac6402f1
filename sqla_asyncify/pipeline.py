"""The pipeline: discover → pre-scan → parse → index → plan → rewrite → format → verify.

``analyze`` produces the read-only ``Analysis`` (files, indexes, plan) that ``apply``, ``--check``,
``--interactive``, ``plan`` and ``audit`` all read; ``rewrite_files`` turns it into per-file
outcomes. Nothing here prints or writes project files: the CLI renders and emits. A file that cannot
be processed becomes an error outcome for that file; the rest of the run goes on.

Scale (docs/performance.md):

* the pre-scan (``prescan.py``) keeps files that cannot be affected away from libcst: they are
  checked with stdlib ``ast`` (so a broken file is still reported) and come out unchanged;
* the rest are parsed and indexed, and later rewritten, in a process pool (``RunConfig.jobs``,
  default: the number of cores; ``1`` runs in-process), each file with fresh transformers, results
  in input order;
* pre-scan facts, indexes, the plan and rewrite outcomes are cached by content hash
  (``cache.py``), so ``--check`` on an unchanged project parses nothing.
"""

from __future__ import annotations

import ast
import gc
import multiprocessing
import os
import re
import signal
import time
from collections.abc import Mapping, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import libcst as cst

from .cache import Cache, NoCache, content_hash, key_of, tool_digest
from .discover import discover
from .formatting import BlackStyle, format_changed, may_format_back
from .holds import held_functions, held_modules
from .index import INDEX_VERSION, ModuleIndex, index_module
from .modules import module_names
from .names import is_package_init, module_name_for
from . import plan_store
from .plan import Plan, QueryUse, ReturnedQuery
from .prescan import FACTS_VERSION, FileFacts, file_facts, mentions_sqlalchemy, mentions_test_client, relevant_files
from .report import ReportItem
from .runconfig import RunConfig
from .sourcefile import SourceError, read_source
from .walk import contains

Progress = Callable[[str, Path], None]

#: Below this many files to parse (or rewrite), a process pool costs more than it saves.
MIN_PARALLEL = 8


class ParsedFile:
    """One processable file. ``relevant`` files were indexed (the index may come from the cache);
    other files have an empty index and are never parsed with libcst. ``tree`` parses on demand."""

    __slots__ = ("path", "module_name", "source", "index", "relevant", "digest", "_tree")

    def __init__(
        self,
        path: Path,
        module_name: str,
        source: bytes,
        index: ModuleIndex,
        relevant: bool = True,
        tree: cst.Module | None = None,
        digest: str | None = None,
    ) -> None:
        self.path = path
        self.module_name = module_name
        self.source = source
        self.index = index
        self.relevant = relevant
        self.digest = digest or content_hash(source)
        self._tree = tree

    @property
    def tree(self) -> cst.Module:
        if self._tree is None:
            self._tree = cst.parse_module(self.source)
        return self._tree

    def __repr__(self) -> str:
        return f"ParsedFile({self.path!s}, {self.module_name!r}, relevant={self.relevant})"


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
    config: RunConfig = field(default_factory=RunConfig)
    #: Names the whole plan (every planned index and path, ``--keep-sync``): rewrite outcomes
    #: are cached under it.
    plan_key: str = ""
    cache: Cache = field(default_factory=NoCache, repr=False)
    #: Counters and seconds per stage, for ``bench/`` and debugging.
    stats: dict[str, float] = field(default_factory=dict)
    #: Modules held sync whole: never rewritten.
    held_modules: frozenset[str] = frozenset()


@lru_cache(maxsize=8192)
def _resolve_folder(cwd: str, folder: str) -> Path:
    return Path(cwd, folder).resolve()


def _resolved(path: Path) -> Path:
    """``path.resolve()`` for a file that is not itself a symlink, resolving each folder once."""
    return _resolve_folder(os.getcwd(), str(path.parent)) / path.name


@lru_cache(maxsize=8192)
def _display_folder(cwd: str, folder: str) -> str | None:
    """How files of ``folder`` are shown: ``"a/b/"`` below the working folder, ``""`` in it,
    None outside it (shown as given)."""
    try:
        relative = _resolve_folder(cwd, folder).relative_to(_resolve_folder(cwd, "."))
    except ValueError:
        return None
    return relative.as_posix() + "/" if relative.parts else ""


def display_path(path: Path) -> str:
    try:
        if path.is_symlink():
            return path.resolve().relative_to(_resolve_folder(os.getcwd(), ".")).as_posix()
        prefix = _display_folder(os.getcwd(), str(path.parent))  # once per folder: thousands of files
    except (ValueError, OSError):
        return path.as_posix()
    return path.as_posix() if prefix is None else prefix + path.name


# -- per-file work (run in workers or in-process) --------------------------------------------
@contextmanager
def _collector_paused() -> Iterator[None]:
    """One file's work allocates millions of short-lived nodes, which reference counting frees; the
    cycle collector finds nothing among them but rescans the heap as it grows (a fifth of the
    time of a 10,000-line module). Paused for the file: the cycles it leaves are collected after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse(source: bytes) -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"does not parse: line {exc.raw_line}: {exc.message}") from exc
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        raise SourceError(f"cannot be decoded: {exc}") from exc


def parse_file(path: Path) -> ParsedFile:
    """Read, parse and index one file; ``SourceError`` says why it cannot be processed."""
    source = read_source(path)
    tree = _parse(source)
    module_name = module_name_for(path)
    index = index_module(tree, module_name, display_path(path), is_package_init(path))
    return ParsedFile(path, module_name, source, index, True, tree)


def _index_source(
    source: bytes, module_name: str, display: str, is_package: bool
) -> tuple[cst.Module | None, ModuleIndex | None, str | None]:
    """``(tree, index, None)`` or ``(None, None, error)``; never raises for a bad file."""
    try:
        with _collector_paused():
            tree = _parse(source)
            return tree, index_module(tree, module_name, display, is_package), None
    except SourceError as exc:
        return None, None, str(exc)
    except RecursionError:
        return None, None, "too deeply nested to analyze"
    except Exception as exc:  # an internal error on one file must not stop the run
        return None, None, f"internal error while indexing, file left unchanged: {exc!r}"


def _index_task(args: tuple[bytes, str, str, bool]) -> tuple[ModuleIndex | None, str | None]:
    _, index, error = _index_source(*args)
    return index, error  # the tree stays here: it is cheap to parse again, costly to pickle


def _newline_text(module: cst.Module, code: str) -> str:
    return code.replace(module.default_newline, "\n") if module.default_newline != "\n" else code


def _rewrite_tree(
    tree: cst.Module,
    source: bytes,
    plan: Plan,
    module_name: str,
    display: str,
    style: BlackStyle | None,
    check: bool = False,
) -> tuple[bytes, list[ReportItem], str | None]:
    """``(updated, items, error)`` for one file; ``updated is source`` when nothing changed.
    ``check``: a changed file's ``updated`` is left unformatted when formatting cannot make it
    unchanged (``RunConfig.check``)."""
    from .rewrite import rewrite_module  # the transformers (and libcst.matchers): only when rewriting

    try:
        with _collector_paused():  # not around black: its trees link children and parents
            before = tree.code  # generated once: each codegen costs a fifth of a parse
            new, items = rewrite_module(tree, plan, module_name, display, before)
            code = before if new is tree else new.code
        if code == before:  # (a deep_equals would cost as much as the codegen)
            return source, items, None
        if style is not None and (not check or may_format_back(_newline_text(tree, before), _newline_text(new, code))):
            formatted = format_changed(_newline_text(tree, before), _newline_text(new, code), style)
            code = formatted.replace("\n", new.default_newline) if new.default_newline != "\n" else formatted
        ast.parse(code)  # verify: the output must parse
        return code.encode(new.encoding), items, None
    except Exception as exc:  # an internal error on one file must not stop the run
        return source, [], f"internal error, file left unchanged: {exc!r}"


_WORKER_PLAN: Plan | None = None


def _worker_init(plan: Plan | None = None) -> None:
    # Ctrl-C is the parent's to handle: it stops the pool; a worker must not die mid-task with
    # a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER_PLAN
    _WORKER_PLAN = plan


def _rewrite_task(
    args: tuple[bytes, str, str, BlackStyle | None, bool],
) -> tuple[bytes | None, list[ReportItem], str | None]:
    source, module_name, display, style, check = args
    assert _WORKER_PLAN is not None
    try:
        tree = _parse(source)
    except SourceError as exc:
        return None, [], str(exc)
    except RecursionError:
        return None, [], "too deeply nested to analyze"
    updated, items, error = _rewrite_tree(tree, source, _WORKER_PLAN, module_name, display, style, check)
    return (None if updated is source else updated), items, error


T = TypeVar("T")
R = TypeVar("R")


def _map(
    fn: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    plan: Plan | None = None,
    chunksize: int = 1,
) -> Iterator[R]:
    """``map(fn, items)`` in input order, in a process pool when worth it."""
    if jobs <= 1 or len(items) < MIN_PARALLEL:
        global _WORKER_PLAN
        previous, _WORKER_PLAN = _WORKER_PLAN, plan
        try:
            for item in items:
                yield fn(item)
        finally:
            _WORKER_PLAN = previous
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    executor = ProcessPoolExecutor(
        max_workers=min(jobs, len(items)), mp_context=context, initializer=_worker_init, initargs=(plan,)
    )
    try:
        yield from executor.map(fn, items, chunksize=chunksize)
    except GeneratorExit:
        raise
    except BaseException:
        # Ctrl-C or an error: stop now, not after the tasks already queued.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            try:
                process.terminate()
            except Exception:
                pass
        raise
    finally:
        executor.shutdown(wait=True)


# -- analysis --------------------------------------------------------------------------------
def _open_cache(config: RunConfig, paths: Sequence[Path] | None) -> Cache:
    if not config.cache:
        return NoCache()
    return Cache.for_paths(paths or config.paths, config.cache_dir)


def analyze(config: RunConfig, progress: Progress | None = None, paths: Sequence[Path] | None = None) -> Analysis:
    """Pre-scan every discovered file, parse and index the relevant ones, then plan the project."""
    stats: dict[str, float] = {}
    started = time.perf_counter()
    files_in = list(paths) if paths is not None else list(discover(config.paths, config.exclude))
    stats["discover_s"] = time.perf_counter() - started
    cache = _open_cache(config, paths)
    digest = tool_digest()
    jobs = config.workers
    errors: dict[int, FileOutcome] = {}

    # Read and hash every file.
    t = time.perf_counter()
    sources: list[bytes] = []
    for i, path in enumerate(files_in):
        if path.is_symlink():
            sources.append(b"")
            errors[i] = FileOutcome(path, b"", b"", error="is a symlink; not followed (run on its target)")
            continue
        try:
            sources.append(read_source(path))
        except SourceError as exc:
            sources.append(b"")
            errors[i] = FileOutcome(path, b"", b"", error=str(exc))
    hashes = [content_hash(s) for s in sources]
    modules, clashes = module_names(files_in, config.paths, sources, display_path)
    packages = [is_package_init(p) for p in files_in]
    displays = [display_path(p) for p in files_in]
    mentions = [i not in errors and (mentions_sqlalchemy(s) or mentions_test_client(s)) for i, s in enumerate(sources)]
    stats["read_s"] = time.perf_counter() - t

    # Pre-scan: decode every file and find its imports (cached by content): a file that does not
    # mention SQLAlchemy is relevant through them, one that does makes what it imports relevant.
    t = time.perf_counter()
    scan = [i for i in range(len(files_in)) if i not in errors]
    fact_keys = {i: key_of("facts", FACTS_VERSION, digest, hashes[i]) for i in scan}
    cached_facts = cache.get_many("facts", fact_keys.values())
    facts: dict[int, FileFacts] = {}
    todo = []
    for i in scan:
        found = cached_facts.get(fact_keys[i])
        if isinstance(found, FileFacts):
            facts[i] = found
        else:
            todo.append(i)
    for i in todo:  # in-process: a decode and a text search cost less than handing bytes to a pool
        facts[i] = file_facts(sources[i])
    cache.put_many("facts", {fact_keys[i]: facts[i] for i in todo})
    for i, fact in facts.items():
        if fact.error is not None and not mentions[i]:  # the others meet their error when parsed
            errors[i] = FileOutcome(files_in[i], sources[i], sources[i], error=fact.error)
    relevant = relevant_files(modules, packages, mentions, facts)
    for i, (other, message) in clashes.items():
        if relevant[i] and relevant[other]:  # only the plan needs names apart (it would keep one)
            errors.setdefault(i, FileOutcome(files_in[i], sources[i], sources[i], error=message))
            relevant[i] = False
    stats["prescan_s"] = time.perf_counter() - t
    stats["facts_computed"] = len(todo)

    # Parse and index the relevant files (cached by content, module name and package flag).
    t = time.perf_counter()
    wanted = [i for i in range(len(files_in)) if relevant[i] and i not in errors]
    index_keys = {i: key_of("index", INDEX_VERSION, digest, hashes[i], modules[i], packages[i]) for i in wanted}
    cached_indexes = cache.get_many("index", index_keys.values())
    indexes: dict[int, ModuleIndex] = {}
    trees: dict[int, cst.Module] = {}
    todo = []
    for i in wanted:
        found = cached_indexes.get(index_keys[i])
        if isinstance(found, ModuleIndex) and found.module == modules[i]:
            indexes[i] = found if found.path == displays[i] else _with_path(found, displays[i])
        else:
            todo.append(i)
    fresh: dict[str, ModuleIndex] = {}
    if jobs <= 1 or len(todo) < MIN_PARALLEL:
        for i in todo:  # in-process: keep the tree for the rewrite
            tree, index, error = _index_source(sources[i], modules[i], displays[i], packages[i])
            if progress:
                progress("index", files_in[i])
            if error is not None or index is None or tree is None:
                errors[i] = FileOutcome(files_in[i], b"", b"", error=error)
                continue
            indexes[i], trees[i] = index, tree
            fresh[index_keys[i]] = index
    else:
        args = [(sources[i], modules[i], displays[i], packages[i]) for i in todo]
        with closing(_map(_index_task, args, jobs)) as indexed:  # closing: the pool stops here
            for i, (index, error) in zip(todo, indexed):
                if progress:
                    progress("index", files_in[i])
                if error is not None or index is None:
                    errors[i] = FileOutcome(files_in[i], b"", b"", error=error)
                    continue
                indexes[i] = index
                fresh[index_keys[i]] = index
    cache.put_many("index", fresh)
    stats["index_s"] = time.perf_counter() - t
    stats["indexed"] = len(todo)

    # Modules relevant code imports without being relevant themselves (Pydantic schemas a route
    # serializes with, helpers): indexed for the plan (``loading.py`` reads their fields), rewritten
    # only where the plan makes one of their functions async.
    side = _imported_side_modules(indexes, modules, relevant, errors)
    side_indexes: dict[int, ModuleIndex] = {}
    side_keys = {i: key_of("index", INDEX_VERSION, digest, hashes[i], modules[i], packages[i]) for i in side}
    cached_side = cache.get_many("index", side_keys.values())
    fresh_side: dict[str, ModuleIndex] = {}
    for i in side:
        found = cached_side.get(side_keys[i])
        if isinstance(found, ModuleIndex) and found.module == modules[i]:
            side_indexes[i] = found if found.path == displays[i] else _with_path(found, displays[i])
            continue
        _, index, error = _index_source(sources[i], modules[i], displays[i], packages[i])
        if index is not None and error is None:
            side_indexes[i] = fresh_side[side_keys[i]] = index
    cache.put_many("index", fresh_side)

    files: list[ParsedFile] = []
    for i, path in enumerate(files_in):
        if i in errors:
            continue
        if progress and not (relevant[i] and i in todo):
            progress("index", path)
        if relevant[i]:
            files.append(ParsedFile(path, modules[i], sources[i], indexes[i], True, trees.get(i), hashes[i]))
        else:
            index = side_indexes.get(i, ModuleIndex(modules[i], displays[i]))
            files.append(ParsedFile(path, modules[i], sources[i], index, False, None, hashes[i]))

    # Plan the relevant files (cached by everything it reads).
    t = time.perf_counter()
    planned = [f for f in files if f.relevant]
    # Their classes (schemas) and functions (a helper handed an object whose session becomes
    # async: the plan makes it async, and it is rewritten, below).
    side_files = [f for f in files if not f.relevant and (f.index.classes or f.index.functions)]
    held = _held_sync(planned, config.keep_sync)
    plan_key = key_of(
        "plan",
        digest,
        sorted(held.items()),
        sorted(config.async_drivers.items()),
        config.expire_on_commit,
        sorted(config.frozen),
        [(index_keys[i], displays[i]) for i in sorted(indexes) if i not in errors],
        [(side_keys[i], displays[i]) for i in sorted(side_indexes)],
    )
    plan_indexes = [f.index for f in (*planned, *side_files)]
    # A warm run knows what the first plan held (the left queries, cached under its key): it loads
    # only the final plan.
    left = cache.get("left", key_of("left-queries", plan_key))
    plan = None if isinstance(left, dict) else _cached_plan(cache, plan_key, plan_indexes)
    if plan is None and not isinstance(left, dict):
        try:
            plan = _build_plan([*planned, *side_files], held, config)
            _store_plan(cache, plan_key, plan)
        except Exception as exc:  # noqa: BLE001 - a planning bug must not take the run down
            # The plan is project-wide: without it nothing can be migrated consistently, so every
            # relevant file is left as it is and the run reports one error (exit 2).
            where = Path(config.paths[0]) if config.paths else Path(".")
            errors[len(files_in)] = FileOutcome(
                where, b"", b"", error=f"internal error while planning the project, nothing migrated: {exc!r}"[:2000]
            )
            for f in planned:
                f.relevant = False
            planned = []
            plan = Plan.build([], held_sync={})
            plan_key = ""
    returned: ReturnedSettlement = ({}, {})
    if plan_key:
        # A function the plan makes async but whose legacy query cannot be converted would run
        # ``query()`` on an ``AsyncSession``: hold it sync instead (reached through ``run_sync``).
        # Functions handing back a query their callers all execute exactly convert first
        # (``returned_queries``): then neither they nor their callers keep one.
        if not isinstance(left, dict):
            assert plan is not None
            returned, left = _returned_and_left(files, planned, plan, cache, plan_key, held, config.workers)
        else:
            found = cache.get("left", key_of("returned-queries", plan_key))
            returned = found if isinstance(found, tuple) else ({}, {})
        extra = {q: r for q, r in left.items() if q not in held}
        if extra:
            held = {**held, **extra}
            plan_key = key_of(plan_key, sorted(extra.items()))
            plan = None
        if plan is None:
            plan = _cached_plan(cache, plan_key, plan_indexes)
        if plan is None:
            plan = _build_plan([*planned, *side_files], held, config)
            _store_plan(cache, plan_key, plan)
    assert plan is not None
    plan.returned_queries, plan.returned_query_holds = returned
    # A module the pre-scan's spread did not reach (imported two steps away from relevant code) but
    # indexed for the plan, which makes one of its functions async: rewritten too, or its callers
    # would await a function left sync (or, unplanned, it would call one made async unawaited).
    for f in files:
        if not f.relevant and any(plan.becomes_async(fn.qualname) for fn in f.index.functions):
            f.relevant = True
            planned.append(f)
    stats["plan_s"] = time.perf_counter() - t
    stats.update(
        files=len(files_in),
        relevant=len(planned),
        errors=len(errors),
        analyze_s=time.perf_counter() - started,
    )
    ordered_errors = [errors[i] for i in sorted(errors)]
    held_whole = frozenset(held_modules((f.index for f in planned), config.keep_sync))
    return Analysis(files, plan, ordered_errors, config, plan_key, cache, stats, held_whole)


def _imported_side_modules(
    indexes: Mapping[int, ModuleIndex], modules: Sequence[str], relevant: Sequence[bool], errors: Mapping[int, object]
) -> list[int]:
    """Files not relevant themselves that a relevant module imports (``from app import schemas``,
    ``from app.schemas import OrderOut``): their classes can be the schemas a route serializes with."""
    imported = {q for index in indexes.values() for _, q in index.imports}
    wanted = imported | {q.rpartition(".")[0] for q in imported}
    return [i for i, name in enumerate(modules) if not relevant[i] and i not in errors and name in wanted]


def _cached_plan(cache: Cache, key: str, indexes: Sequence[ModuleIndex]) -> Plan | None:
    data = cache.get("plan", key)
    return plan_store.loads(data, indexes) if isinstance(data, bytes) else None


def _store_plan(cache: Cache, key: str, plan: Plan) -> None:
    """The plan without its indexes (``plan_store``): a warm run has them from the ``index`` table."""
    if cache.enabled:
        try:
            data = plan_store.dumps(plan)
        except Exception:  # noqa: BLE001 - the cache is best effort
            return
        cache.put("plan", key, data)


def _build_plan(planned: Sequence[ParsedFile], held: dict[str, str], config: RunConfig) -> Plan:
    return Plan.build(
        (f.index for f in planned),
        held_sync=held,
        async_drivers=config.async_drivers,
        frozen=config.frozen,
        expire_on_commit=config.expire_on_commit,
    )


#: ``Plan.returned_queries`` and ``Plan.returned_query_holds``, as settled.
ReturnedSettlement = tuple[dict[str, ReturnedQuery], dict[str, str]]


def _returned_and_left(
    files: Sequence[ParsedFile],
    planned: Sequence[ParsedFile],
    plan: Plan,
    cache: Cache,
    plan_key: str,
    held: Mapping[str, str],
    jobs: int,
) -> tuple[ReturnedSettlement, dict[str, str]]:
    """The functions handing back a query converted (``returned_queries``) and, with them, the
    left queries. A function converting so, or one calling it, held sync for a query left in it
    would hand a ``select()`` to code that iterates it sync: it is dropped and the left queries
    read again (cached under the first plan's key, as the left queries alone are)."""
    settled, holds = _returned_queries(files, planned, plan)
    users = {q: plan.returned_query_users(q) for q in settled}
    left: dict[str, str] = {}
    for _ in range(4):
        plan.returned_queries = settled
        key = key_of(plan_key, "returned", sorted(settled)) if settled else plan_key
        left = _left_queries(planned, plan, cache, key, jobs)
        extra = {q for q in left if q not in held}
        dropped = {q for q in settled if q in extra or users[q] & extra}
        while True:  # a function handing back what a dropped one returns is dropped with it
            more = {q for q in settled if q not in dropped and users[q] & dropped}
            if not more:
                break
            dropped |= more
        if not dropped:
            break
        for q in dropped:
            holds[q] = "it, or a function using what it returns, is held sync for a query left in it"
        settled = {q: r for q, r in settled.items() if q not in dropped}
    plan.returned_queries = {}
    if settled:
        cache.put("left", key_of("left-queries", plan_key), left)
    cache.put("left", key_of("returned-queries", plan_key), (settled, holds))
    return (settled, holds), left


def _returned_queries(files: Sequence[ParsedFile], planned: Sequence[ParsedFile], plan: Plan) -> ReturnedSettlement:
    """Read the sources for ``returned_queries`` (``left_queries.QueryProbe``) and settle it.

    First the modules with a function made async handing back a lazy query: the candidates. Then,
    until no new candidate appears (a function handing back what a candidate returns is one), every
    file mentioning a candidate's name: the uses of what they return. A file that is not rewritten
    (not relevant) mentioning one is a use the rewrite cannot follow."""
    from .left_queries import name_references

    modules = plan.hands_back_query_modules()
    if not modules:
        return {}, {}
    candidates: dict[str, ReturnedQuery] = {}
    for f in planned:
        if f.module_name in modules:
            candidates.update(_probe_in(f, plan)[0])
    uses: list[QueryUse] = []
    mentions: list[tuple[str, str, int]] = []
    for _ in range(5):
        if not candidates:
            return {}, {}
        names = frozenset(q.rpartition(".")[2] for q in candidates)
        plan.returned_queries = candidates
        found: dict[str, ReturnedQuery] = {}
        uses, mentions = [], []
        for f in files:
            if not any(name.encode() in f.source for name in names):
                continue
            display = f.index.path or str(f.path)
            if not f.relevant:
                try:
                    tree = _parse(f.source)
                except (SourceError, RecursionError):
                    mentions += [(name, display, 0) for name in names if name.encode() in f.source]
                    continue
                mentions += [(name, display, line) for name, line in name_references(tree, names, every=True)]
                continue
            more, their_uses = _probe_in(f, plan)
            found.update(more)
            uses += their_uses
            mentions += [(name, display, line) for name, line in name_references(f.tree, names)]
        new = {q: r for q, r in found.items() if candidates.get(q) != r}
        candidates.update(found)
        if not new:
            break
    plan.returned_queries = {}
    return plan.settle_returned_queries(candidates, uses, mentions)


def _probe_in(f: ParsedFile, plan: Plan) -> tuple[dict[str, ReturnedQuery], list[QueryUse]]:
    from libcst.codemod import CodemodContext

    from .codemods.query_to_select import QUERY_USES, RETURNED_CANDIDATES
    from .left_queries import QueryProbe

    context = CodemodContext(filename=f.index.path, full_module_name=f.module_name)
    try:
        with _collector_paused():
            QueryProbe(context, plan, f.module_name, f.index.path, []).decide(f.tree)
    except Exception:  # noqa: BLE001 - the rewrite reports it for this file; converting nothing is safe
        return {}, [QueryUse("", q, f.index.path, 0, "its module could not be read") for q in plan.returned_queries]
    return dict(context.scratch.get(RETURNED_CANDIDATES, {})), list(context.scratch.get(QUERY_USES, []))


LEFT_QUERY_REASON = "held sync: its legacy query at line {line} cannot be converted ({problem}); callers reach it through `run_sync`"
LEFT_GENERATOR_REASON = (
    "held sync: line {line} calls a coroutine in a generator expression that no list comprehension "
    "can replace (it may stop early); callers reach it through `run_sync`"
)
#: Files that may hold a generator expression (``any(f(x) for x in xs)``): a ``for`` after a
#: parenthesis or a line break, as a comprehension's clause starts.
_GENERATOR = re.compile(rb"[(\s]for\s")


def _left_queries(files: Sequence[ParsedFile], plan: Plan, cache: Cache, plan_key: str, jobs: int) -> dict[str, str]:
    """Functions the plan makes async that keep a legacy query ``query-to-select`` cannot convert,
    with the reason to hold them sync. Found by running that transformer alone over the modules
    with a ``.query(`` and async work, in the pool when there are enough (cached under the plan's
    key: a warm run parses nothing)."""
    key = key_of("left-queries", plan_key)
    found = cache.get("left", key)
    if isinstance(found, dict):
        return found
    todo = [f for f in files if (b".query(" in f.source or _GENERATOR.search(f.source)) and plan.has_async_work(f.module_name)]
    left: dict[str, str] = {}
    if jobs <= 1 or len(todo) < MIN_PARALLEL:
        results = [_left_in(f.tree, plan, f.module_name, f.index.path) for f in todo]
    else:
        from . import rewrite  # noqa: F401  (the transformers, imported once before forking)

        with closing(_map(_left_task, [(f.source, f.module_name, f.index.path) for f in todo], jobs, plan=plan)) as mapped:
            results = list(mapped)
    for each in results:
        for qualname, (line, problem) in each.items():
            reason = LEFT_GENERATOR_REASON if problem == _generator_problem() else LEFT_QUERY_REASON
            left[qualname] = reason.format(line=line, problem=problem)
    cache.put("left", key, left)
    return left


def _generator_problem() -> str:
    from .codemods.add_awaits import GENERATOR_PROBLEM

    return GENERATOR_PROBLEM


def _left_in(tree: cst.Module, plan: Plan, module_name: str, path: str) -> dict[str, tuple[int, str]]:
    from libcst.codemod import CodemodContext

    from .codemods.add_awaits import LEFT_GENERATORS, AddAwaits
    from .codemods.query_to_select import LEFT_QUERIES, QueryToSelect
    from .left_queries import QueryDecisions

    context = CodemodContext(filename=path, full_module_name=module_name)
    try:
        with _collector_paused():
            if contains(tree, lambda node: isinstance(node, cst.GeneratorExp)):
                # add-awaits on query-to-select's output: converted queries are session calls it awaits
                converted = QueryToSelect(context, plan, module_name, path, []).transform_module(tree)
                AddAwaits(context, plan, module_name, path, []).transform_module(converted)
            else:
                # add-awaits finds something only in a generator expression (none here, and
                # query-to-select writes none): query-to-select's decisions are all there is to read
                QueryDecisions(context, plan, module_name, path, []).decide(tree)
    except Exception:  # the rewrite reports it for this file; holding only adds safety
        return {}
    left = dict(context.scratch.get(LEFT_QUERIES, {}))
    for qualname, found in context.scratch.get(LEFT_GENERATORS, {}).items():
        left.setdefault(qualname, found)
    return left


def _left_task(args: tuple[bytes, str, str]) -> dict[str, tuple[int, str]]:
    source, module_name, path = args
    assert _WORKER_PLAN is not None
    try:
        tree = _parse(source)
    except (SourceError, RecursionError):
        return {}
    return _left_in(tree, _WORKER_PLAN, module_name, path)


def _with_path(index: ModuleIndex, path: str) -> ModuleIndex:
    return replace(index, path=path)


def _held_sync(files: Iterable[ParsedFile], patterns: Sequence[str]) -> dict[str, str]:
    return held_functions((f.index for f in files), patterns)


# -- rewriting -------------------------------------------------------------------------------
def rewrite_file(
    parsed: ParsedFile, plan: Plan, style: BlackStyle | None = BlackStyle(), check: bool = False
) -> FileOutcome:
    """Rewrite one file against the plan; never raises for a bad file. ``check``: see ``RunConfig.check``."""
    if not parsed.relevant:
        return FileOutcome(parsed.path, parsed.source, parsed.source)
    try:
        tree = parsed.tree
    except Exception as exc:
        return FileOutcome(parsed.path, parsed.source, parsed.source, error=f"internal error, file left unchanged: {exc!r}")
    updated, items, error = _rewrite_tree(tree, parsed.source, plan, parsed.module_name, parsed.index.path, style, check)
    return FileOutcome(parsed.path, parsed.source, updated, items, error)


def rewrite_files(
    analysis: Analysis, progress: Progress | None = None, do_format: bool = True
) -> list[FileOutcome]:
    """Every file's outcome, in ``analysis.files`` order: from the cache when the plan and the file
    are unchanged, else rewritten (in a process pool when there are enough)."""
    started = time.perf_counter()
    files = analysis.files
    cache = analysis.cache
    style = analysis.config.black if do_format else None
    check = analysis.config.check
    outcomes: list[FileOutcome | None] = [None] * len(files)
    keys: dict[int, str] = {}
    for i, parsed in enumerate(files):
        if not parsed.relevant or (
            parsed.module_name in analysis.held_modules and not analysis.plan.twins_in(parsed.module_name)
        ):
            outcomes[i] = FileOutcome(parsed.path, parsed.source, parsed.source)
        else:
            keys[i] = key_of("outcome", analysis.plan_key, parsed.digest, parsed.module_name, parsed.index.path, style, check)
    cached = cache.get_many("outcome", keys.values()) if analysis.plan_key else {}
    todo = []
    for i, key in keys.items():
        found = cached.get(key)
        if isinstance(found, tuple) and len(found) == 2:
            updated, items = found
            outcomes[i] = FileOutcome(files[i].path, files[i].source, files[i].source if updated is None else updated, list(items))
        else:
            todo.append(i)
    jobs = analysis.config.workers
    if jobs > 1 and len(todo) >= MIN_PARALLEL:
        # Import the transformers (and black) once, here: forked workers inherit them.
        from . import rewrite  # noqa: F401

        if style is not None:
            import black  # noqa: F401
    parallel: Iterator[tuple[bytes | None, list[ReportItem], str | None]] = iter(())
    if jobs <= 1 or len(todo) < MIN_PARALLEL:
        results: Iterable[FileOutcome] = (rewrite_file(files[i], analysis.plan, style, check) for i in todo)
    else:
        args = [(files[i].source, files[i].module_name, files[i].index.path, style, check) for i in todo]
        parallel = _map(_rewrite_task, args, jobs, plan=analysis.plan)
        results = (
            FileOutcome(files[i].path, files[i].source, files[i].source if updated is None else updated, items, error)
            for i, (updated, items, error) in zip(todo, parallel)
        )
    fresh: dict[str, Any] = {}
    try:
        for i, outcome in zip(todo, results):
            outcomes[i] = outcome
            if outcome.error is None:
                fresh[keys[i]] = (None if outcome.updated == outcome.original else outcome.updated, tuple(outcome.items))
            if progress:
                progress("rewrite", files[i].path)
    finally:
        getattr(parallel, "close", lambda: None)()  # stop the pool now, not when collected
        cache.put_many("outcome", fresh)  # what was finished is kept, even on Ctrl-C
    if progress:
        done = set(todo)
        for i, parsed in enumerate(files):
            if i not in done:
                progress("rewrite", parsed.path)
    analysis.stats["rewrite_s"] = time.perf_counter() - started
    analysis.stats["rewritten"] = len(todo)
    analysis.stats["cache_hits"], analysis.stats["cache_misses"] = cache.hits, cache.misses
    cache.write_stats(analysis.stats)
    return [o for o in outcomes if o is not None]


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


HELD_AFTER_ERROR = (
    "; its module is held sync whole and the rest of the project was planned again around it, "
    "so no other file awaits what it left sync"
)


def rewrite_consistently(analysis: Analysis, progress: Progress | None = None, do_format: bool = True) -> RunResult:
    """``rewrite_files``, then, while some relevant file cannot be rewritten (an internal error
    leaves it unchanged), hold its module sync and frozen, as ``--interactive`` does with a
    skipped file, plan again and rewrite: the files written never await a function that file
    still defines sync, nor call one without awaiting it. Each such file stays an error (exit 2),
    named with what happened."""
    outcomes = rewrite_files(analysis, progress, do_format)
    failed: dict[Path, str] = {}
    while True:
        new = {o.path: o.error for o in outcomes if o.error and o.path not in failed}
        modules = {f.module_name for f in analysis.files if f.path in new and f.relevant}
        if not modules:
            break
        failed.update({path: error for path, error in new.items() if error})
        config = replace(
            analysis.config,
            keep_sync=tuple(sorted({*analysis.config.keep_sync, *modules})),
            frozen=tuple(sorted({*analysis.config.frozen, *modules})),
        )
        earlier = analysis.errors
        analysis = analyze(config, paths=[f.path for f in analysis.files])
        seen = {e.path for e in analysis.errors}
        analysis.errors = [*analysis.errors, *(e for e in earlier if e.path not in seen)]
        outcomes = rewrite_files(analysis, None, do_format)
    for outcome in outcomes:
        if outcome.path in failed and outcome.error is None:
            outcome.updated = outcome.original
            outcome.error = failed[outcome.path] + HELD_AFTER_ERROR
    return RunResult(analysis, outcomes)


def run(config: RunConfig, progress: Progress | None = None) -> RunResult:
    """Analyze and rewrite, in memory. Emitting (diff, write) is the caller's job."""
    analysis = analyze(config, progress)
    return rewrite_consistently(analysis, progress, config.format)
