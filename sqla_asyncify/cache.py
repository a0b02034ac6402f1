"""The on-disk cache: pre-scan facts, module indexes, plans and rewrite outcomes, by content hash.

One SQLite file, ``.asyncify_cache/cache.sqlite3`` under the project root, holding pickled values
by ``(kind, key)``. The folder ``.gitignore``s itself. Every key includes the tool digest
(:func:`tool_digest`: the package version, a hash of the package's own source, and the libcst,
black and Python versions), so any change to asyncify's code, however small, starts a fresh cache.

* ``facts``: content hash → :class:`~sqla_asyncify.prescan.FileFacts`;
* ``index``: content hash + module name + package flag + ``INDEX_VERSION`` → ``ModuleIndex``
  (stored with its path; the path is replaced on load, so a run from another folder still hits);
* ``plan``: hash of every planned module's index key and path, and of ``--keep-sync`` → ``Plan``,
  stored without the indexes it holds (``plan_store``: loaded over the run's own);
* ``outcome``: plan key + content hash + module name + path + format flag → the rewrite result.
  The plan key names the whole project, so an outcome is reused only when nothing the plan
  read has changed: correct whatever a transformer asks the plan;
* ``run``: every discovered file's hash, the project files, the options and the configuration →
  what ``apply --check``, ``plan`` or ``audit`` printed and their exit code (``run_cache.py``).

The cache is best effort: a folder that cannot be created or written, a corrupt or locked
database, an entry that fails to unpickle — each is a miss, never an error. Entries are pickles:
do not point asyncify at a cache folder you did not create (it is ignored by git for that reason
too).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_DIR_NAME = ".asyncify_cache"
_SCHEMA = "CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, key))"
_BATCH = 500


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def key_of(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _dist_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "?"


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """Changes whenever asyncify's behaviour can: its version, its source, libcst, black, Python."""
    from . import __version__

    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{__version__}|{sys.version}|{_dist_version('libcst')}|{_dist_version('black')}".encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def find_cache_root(paths: Iterable[Path]) -> Path:
    """The project root for ``paths``: the nearest folder holding ``.git``, ``.hg`` or
    ``pyproject.toml`` above their common folder; else the working folder if it contains them;
    else their common folder."""
    folders = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    if not folders:
        return Path.cwd()
    common = Path(os.path.commonpath([str(f) for f in folders]))
    for folder in (common, *common.parents):
        if any((folder / marker).exists() for marker in (".git", ".hg", "pyproject.toml")):
            return folder
    cwd = Path.cwd().resolve()
    if cwd == common or cwd in common.parents:
        return cwd
    return common


class Cache:
    """Batched get/put of pickled values; every failure is a miss."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by asyncify: this folder is a cache.\n*\n", encoding="utf-8")
            db = sqlite3.connect(str(directory / "cache.sqlite3"), timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    @classmethod
    def for_paths(cls, paths: Iterable[Path], directory: Path | None = None) -> Cache:
        return cls(directory if directory is not None else find_cache_root(paths) / CACHE_DIR_NAME)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        if self._db is None or not wanted:
            self.misses += len(wanted)
            return found
        try:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                rows = self._db.execute(
                    f"SELECT key, value FROM entries WHERE kind = ? AND key IN ({','.join('?' * len(chunk))})",
                    (kind, *chunk),
                ).fetchall()
                for key, value in rows:
                    try:
                        found[key] = pickle.loads(value)
                    except Exception:
                        continue
        except sqlite3.Error:
            pass
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def get(self, kind: str, key: str) -> Any | None:
        return self.get_many(kind, [key]).get(key)

    def put_many(self, kind: str, items: Mapping[str, Any]) -> None:
        if self._db is None or not items:
            return
        try:
            rows = [(kind, k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items()]
        except Exception:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO entries (kind, key, value) VALUES (?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def put(self, kind: str, key: str, value: Any) -> None:
        self.put_many(kind, {key: value})

    def write_stats(self, stats: Mapping[str, float]) -> None:
        """``last_run.json``: seconds per stage and counts of the last run (for ``bench/``)."""
        if self._db is None:
            return
        try:
            tmp = self.directory / f".last_run.{os.getpid()}.json"
            tmp.write_text(json.dumps(dict(stats), indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.directory / "last_run.json")
        except OSError:
            pass

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None


class NoCache(Cache):
    """The cache switched off (``--no-cache``)."""

    def __init__(self) -> None:  # noqa: D107 - nothing to open
        self.directory = Path()
        self._db = None
        self.hits = 0
        self.misses = 0
