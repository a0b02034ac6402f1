"""A whole run's output, cached: a command whose inputs are all unchanged prints what it printed.

The per-file entries of ``cache.py`` make a warm run cheap, but it still loads every relevant
module's index and the plan to print what it printed last time. When nothing the run reads has
changed, this module replays that output instead: the text written to stdout and stderr, in
order, and the exit code, stored in the cache's ``run`` table under a key naming

* the tool (``tool_digest``: version, asyncify's own source, libcst, black, Python);
* the command and its options, and the resolved configuration (``[tool.asyncify]``, ``[tool.black]``);
* every discovered file's path and content hash: an edited, added or removed file (relevant or
  not: an unrelated file can become relevant) is a different key;
* the project files a run also reads (``pyproject.toml``, ``setup.py``/``setup.cfg``,
  ``__init__.py``, requirements files, ``uv.lock``) in every folder above the files and paths;
* what decides how output looks: the working folder (paths are shown relative to it), the
  terminal size, the output encoding and the environment variables rich reads.

Any difference is a miss and the run takes the per-file path (whose entries still hit for what
did not change). Only runs that exit 0 or 1 are stored (an error may not come from the files:
a permission, a symlink), only when neither stdout nor stderr is a terminal (progress bars), and
never a run that wrote to a stream's bytes directly. Nothing here imports libcst: a hit loads
neither the indexes nor the plan nor the transformers.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .cache import Cache, content_hash, key_of, tool_digest
from .discover import discover

#: Bump when what an entry holds, or how it is replayed, changes.
RUN_CACHE_VERSION = 1

#: Files outside the discovered ones that a run reads (module names, configuration, dependency
#: files), looked for in every folder above the discovered files and the given paths.
_CONTEXT_FILES = (
    "pyproject.toml", "setup.py", "setup.cfg", "__init__.py", "uv.lock", "requirements.txt", "requirements.in",
    "requirements-dev.txt", "requirements-test.txt", "requirements_dev.txt", "requirements_test.txt",
    "dev-requirements.txt", "test-requirements.txt", "requirements/dev.txt", "requirements/test.txt",
)
#: Environment variables rich (and Python's streams) read to decide colours, width and encoding.
_ENVIRONMENT = (
    "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
    "CLICOLOR", "CLICOLOR_FORCE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "PYTHONIOENCODING",
)
#: ``RunConfig`` fields that change how a run goes, never what it prints.
_IGNORED_CONFIG = ("jobs", "cache", "cache_dir")


@dataclass
class RunEntry:
    """What a run printed: ``(stream name, text)`` in order, its exit code and its counters."""

    output: list[tuple[str, str]]
    exit_code: int
    stats: dict[str, float] = field(default_factory=dict)


@dataclass
class Recording:
    """Handed to the command's body: it may leave the run's counters here (``last_run.json``)."""

    stats: dict[str, float] = field(default_factory=dict)
    output: list[tuple[str, str]] = field(default_factory=list)
    #: Something wrote to a stream's bytes, which is not recorded: the run is not stored.
    tainted: bool = False


class _Tee:
    """A text stream that records what is written to it and passes everything on."""

    def __init__(self, stream: Any, name: str, recording: Recording) -> None:
        self._stream = stream
        self._name = name
        self._recording = recording

    def write(self, text: str) -> int:
        self._recording.output.append((self._name, text))
        return self._stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            self._recording.tainted = True
        return getattr(self._stream, name)


def _terminal_size() -> tuple[int, int] | None:
    """What rich takes for the width when no stream is a terminal: the first of stdin, stdout and
    stderr that is one."""
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        return (size.columns, size.lines)
    return None


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


def _context(folders: Iterable[Path]) -> list[tuple[str, str]]:
    """``(path, content hash)`` of each project file in ``folders`` and every folder above them."""
    seen: set[Path] = set()
    found: list[tuple[str, str]] = []
    for folder in folders:
        for above in (folder, *folder.parents):
            if above in seen:
                break  # and every folder above it too
            seen.add(above)
            try:  # one listing a folder rather than a failed open per name (hundreds of folders)
                present = set(os.listdir(above))
            except OSError:
                continue
            for name in _CONTEXT_FILES:
                if name.partition("/")[0] not in present:
                    continue
                path = above / name
                try:
                    found.append((str(path), content_hash(path.read_bytes())))
                except OSError:  # missing (the usual case), a folder, unreadable
                    continue
    return sorted(found)


def run_key(command: str, options: object, config: Any) -> str | None:
    """The key of this run (see the module docstring); None when a file cannot be read."""
    files: list[tuple[str, str]] = []
    folders: set[str] = set()
    for path in discover(config.paths, config.exclude):
        name = str(path)
        try:
            if path.is_symlink():
                files.append((name, "symlink:" + os.readlink(path)))
                continue
            files.append((name, content_hash(path.read_bytes())))
        except OSError:
            return None
        folders.add(os.path.dirname(name) or ".")
    cwd = Path.cwd().resolve()
    resolved = {(cwd / folder).resolve() for folder in folders}
    resolved |= {(cwd / p).resolve() for p in config.paths}
    settings = replace(config, **{f.name: f.default for f in fields(config) if f.name in _IGNORED_CONFIG})
    environment = [(name, os.environ.get(name)) for name in _ENVIRONMENT]
    streams = [(getattr(s, "encoding", None), getattr(s, "errors", None)) for s in (sys.stdout, sys.stderr)]
    return key_of(
        "run", RUN_CACHE_VERSION, tool_digest(), command, options, repr(settings), str(cwd),
        environment, streams, _terminal_size(), files, _context(sorted(resolved)),
    )


def _replay(entry: RunEntry) -> None:
    streams = {"stdout": sys.stdout, "stderr": sys.stderr}
    for name, text in entry.output:
        streams[name].write(text)
    for stream in streams.values():
        stream.flush()


def cached_run(command: str, options: object, config: Any, body: Callable[[Recording], None]) -> None:
    """Run ``body`` (a command printing to ``sys.stdout``/``sys.stderr`` and raising
    ``typer.Exit`` for a non-zero exit) — or replay what it printed when this run's key
    (``run_key``) is in the cache."""
    from typer import Exit

    recording = Recording()
    if not config.cache or _is_terminal(sys.stdout) or _is_terminal(sys.stderr):
        body(recording)
        return
    started = time.perf_counter()
    key = run_key(command, options, config)
    if key is None:
        body(recording)
        return
    cache = Cache.for_paths(config.paths, config.cache_dir)
    try:
        entry = cache.get("run", key)
        if isinstance(entry, RunEntry):
            _replay(entry)
            cache.write_stats({**entry.stats, "run_cache_hit": 1, "run_key_s": time.perf_counter() - started})
            if entry.exit_code:
                raise Exit(entry.exit_code)
            return
    finally:
        cache.close()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = _Tee(stdout, "stdout", recording)  # type: ignore[assignment]
    sys.stderr = _Tee(stderr, "stderr", recording)  # type: ignore[assignment]
    code: int | None = None
    try:
        body(recording)
        code = 0
    except Exit as exc:
        code = exc.exit_code
        raise
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        if code in (0, 1) and not recording.tainted:
            cache = Cache.for_paths(config.paths, config.cache_dir)
            cache.put("run", key, RunEntry(recording.output, code, recording.stats))
            cache.close()
