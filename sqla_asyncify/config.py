"""``[tool.asyncify]`` in ``pyproject.toml``: found by walking up from the paths, strictly validated.

Keys (command-line flags override them):

* ``keep-sync`` — list of ``module``, ``module:function`` or file globs held sync;
* ``exclude``, ``extend-exclude`` — gitignore-style patterns skipped in addition to the built-in
  excludes (``.git``, ``.venv``, ``build``…), like ``--exclude``;
* ``async-driver`` — table ``dialect = "driver"``: the async driver converted URLs get
  (``postgresql = "psycopg"`` instead of the default ``asyncpg``);
* ``jobs`` — worker processes (positive integer);
* ``expire-on-commit`` — ``"false"`` (default): converted sessionmakers get ``expire_on_commit=False``,
  reported as the behaviour change it is (attributes read after a commit keep the values in memory,
  rules §3.3); ``"keep"``: they keep expiring, and reads after a commit get ``await s.refresh(obj)``
  (or are reported), the exact rewrite.

An unknown key or a value of the wrong type is a ``ConfigError`` naming the key (exit 2), never
silently ignored.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(Exception):
    """A ``[tool.asyncify]`` table that cannot be used; the message names the file and key."""


KNOWN_DRIVERS: dict[str, frozenset[str]] = {
    "postgresql": frozenset({"asyncpg", "psycopg", "psycopg_async"}),
    "mysql": frozenset({"aiomysql", "asyncmy"}),
    "sqlite": frozenset({"aiosqlite"}),
    "mssql": frozenset({"aioodbc"}),
    "oracle": frozenset({"oracledb", "oracledb_async"}),
}


@dataclass(frozen=True)
class FileConfig:
    path: Path | None = None
    keep_sync: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    async_driver: dict[str, str] = field(default_factory=dict)
    jobs: int | None = None
    expire_on_commit: str | None = None


#: ``expire-on-commit`` values: what converted sessionmakers do with objects on commit.
EXPIRE_POLICIES = ("false", "keep")


def pyprojects(paths: Iterable[Path]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each ``pyproject.toml`` above the first path, nearest first, with its ``[tool]`` table.
    One that cannot be read is a ``ConfigError``."""
    for start in paths:
        here = Path(start).resolve()
        for folder in [here, *here.parents] if here.is_dir() else list(here.parents):
            candidate = folder / "pyproject.toml"
            if candidate.is_file():
                try:
                    data = tomllib.loads(candidate.read_text(encoding="utf-8"))
                except (OSError, tomllib.TOMLDecodeError) as exc:
                    raise ConfigError(f"{candidate}: cannot be read: {exc}") from exc
                yield candidate, data.get("tool", {})
        return


def find_pyproject(paths: Iterable[Path]) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.asyncify]`` table above the first path."""
    return next((path for path, tool in pyprojects(paths) if "asyncify" in tool), None)


def _strings(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings, got {value!r}")
    return tuple(value)


def load_config(paths: Iterable[Path]) -> FileConfig:
    """Read and validate ``[tool.asyncify]``; an empty config when there is none."""
    pyproject = find_pyproject(paths)
    if pyproject is None:
        return FileConfig()
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["asyncify"]
    where = f"{pyproject} [tool.asyncify]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    values: dict[str, Any] = {"path": pyproject}
    for key, value in table.items():
        if key == "keep-sync":
            values["keep_sync"] = _strings(where, key, value)
        elif key == "exclude":
            values["exclude"] = _strings(where, key, value)
        elif key == "extend-exclude":
            values["extend_exclude"] = _strings(where, key, value)
        elif key == "async-driver":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"{where}: `async-driver` must be a table of dialect = \"driver\"")
            for dialect, driver in value.items():
                if dialect not in KNOWN_DRIVERS:
                    raise ConfigError(f"{where}: `async-driver.{dialect}`: unknown dialect (known: {', '.join(sorted(KNOWN_DRIVERS))})")
                if driver not in KNOWN_DRIVERS[dialect]:
                    raise ConfigError(
                        f"{where}: `async-driver.{dialect}` = {driver!r} is not an async driver "
                        f"(one of {', '.join(sorted(KNOWN_DRIVERS[dialect]))})"
                    )
            values["async_driver"] = dict(value)
        elif key == "jobs":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{where}: `jobs` must be a positive integer, got {value!r}")
            values["jobs"] = value
        elif key == "expire-on-commit":
            if value not in EXPIRE_POLICIES:
                raise ConfigError(f"{where}: `expire-on-commit` must be \"false\" or \"keep\", got {value!r}")
            values["expire_on_commit"] = value
        else:
            raise ConfigError(
                f"{where}: unknown key `{key}` (known: async-driver, exclude, expire-on-commit, "
                "extend-exclude, jobs, keep-sync)"
            )
    return FileConfig(**values)
