"""A run's configuration (``RunConfig``): its own module so that the command line can build one,
and a run-cache hit (``run_cache.py``) can finish, without importing the pipeline and libcst."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .formatting import BlackStyle


@dataclass(frozen=True)
class RunConfig:
    paths: tuple[Path, ...] = (Path("."),)
    exclude: tuple[str, ...] = ()
    keep_sync: tuple[str, ...] = ()
    #: Modules that must not change at all (files skipped in ``--interactive``): held sync, and no
    #: async twin of their session wiring is added to them.
    frozen: tuple[str, ...] = ()
    format: bool = True
    #: ``[tool.asyncify] async-driver``: dialect → async driver for converted URLs.
    async_drivers: Mapping[str, str] = field(default_factory=dict)
    #: ``[tool.asyncify] expire-on-commit``: ``"false"`` or ``"keep"`` (see ``Plan.expire_on_commit``).
    expire_on_commit: str = "false"
    #: Worker processes for parsing, indexing and rewriting; None: one per core; 1: in-process.
    jobs: int | None = None
    #: Use the on-disk cache (``.asyncify_cache/`` under the project root, or ``cache_dir``).
    cache: bool = True
    cache_dir: Path | None = None
    #: The project's ``[tool.black]`` settings, for files that were black-clean.
    black: BlackStyle = field(default_factory=BlackStyle)
    #: ``--check``: only whether each file changes (and the report) is read, so a changed file is
    #: formatted only when black could make it the input again (``formatting.may_format_back``).
    check: bool = False

    @property
    def workers(self) -> int:
        return max(1, self.jobs if self.jobs is not None else (os.cpu_count() or 1))
