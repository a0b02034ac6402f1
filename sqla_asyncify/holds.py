"""What is held sync, and why: ``--keep-sync`` / ``keep-sync`` patterns and ``# asyncify: keep-sync`` pragmas.

A pattern is a module (``app.legacy``), a function or method in one (``app.crud:get_user``,
``app.services:Svc`` for every method of a class) or a file glob (``app/legacy/*.py``). A held
function stays ``def``; the plan treats it as a boundary, and async callers reach it through
``await session.run_sync(...)`` where the session is its first parameter.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from .index import ModuleIndex


def _matches(pattern: str, index: ModuleIndex, local: str) -> bool:
    if "/" in pattern or pattern.endswith((".py", "*")):
        return fnmatch.fnmatch(index.path, pattern)
    module, _, func = pattern.partition(":")
    if index.module != module:
        return False
    return not func or local == func or local.startswith(f"{func}.")


MIGRATION_SCRIPT_REASON = "an alembic migration script: alembic runs it sync"


#: What Alembic's ``env.py`` (``context``) and revision files (``op``) import; a module that only
#: drives Alembic (``alembic.command``, ``alembic.config``: a CLI, a test fixture) is not one.
MIGRATION_SCRIPT_IMPORTS = ("alembic.context", "alembic.op")


def is_migration_script(index: ModuleIndex) -> bool:
    """Alembic's ``env.py`` and revision files: they stay sync, untouched."""
    return any(
        target == name or target.startswith(f"{name}.") for _, target in index.imports for name in MIGRATION_SCRIPT_IMPORTS
    )


def held_functions(indexes: Iterable[ModuleIndex], patterns: Sequence[str]) -> dict[str, str]:
    """Qualname → reason, for every function held sync by a pattern, a pragma, or being in a migration script."""
    held: dict[str, str] = {}
    for index in indexes:
        script = is_migration_script(index)
        for fn in index.functions:
            if fn.kind == "lambda":
                continue
            if fn.kind == "module":
                # Module-level code of a module held whole stays as it is, calling its own sync code.
                if script or any(":" not in p and _matches(p, index, "") for p in patterns):
                    held[fn.qualname] = MIGRATION_SCRIPT_REASON if script else "module held sync"
                continue
            if script:
                held[fn.qualname] = MIGRATION_SCRIPT_REASON
                continue
            if fn.keep_sync is not None:
                held[fn.qualname] = f"held sync by pragma: {fn.keep_sync or 'no reason given'}"
                continue
            local = fn.qualname[len(index.module) + 1 :]
            for pattern in patterns:
                if _matches(pattern, index, local):
                    held[fn.qualname] = f"held sync by keep-sync `{pattern}`"
                    break
    return held


def held_modules(indexes: Iterable[ModuleIndex], patterns: Sequence[str]) -> set[str]:
    """Modules held sync whole (a module pattern or a file glob): left untouched. (Migration scripts
    are held function by function and rewritten only by ``AlembicSyncUrl``.)"""
    return {
        index.module
        for index in indexes
        if any(":" not in pattern and _matches(pattern, index, "") for pattern in patterns)
    }
