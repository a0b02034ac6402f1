"""The packages migrated code needs that sync code did not: async drivers, greenlet, pytest-asyncio.

Read off the rewritten sources (what they now import and which driver URLs they hold), so the
summary names exactly what the result uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: ``+driver`` in a URL → the distribution that provides it.
DRIVER_PACKAGES: dict[str, str] = {
    "aiosqlite": "aiosqlite",
    "asyncpg": "asyncpg",
    "psycopg": "psycopg[binary]",
    "psycopg_async": "psycopg[binary]",
    "aiomysql": "aiomysql",
    "asyncmy": "asyncmy",
    "aioodbc": "aioodbc",
}

_URL_DRIVER = re.compile(rb"\b[a-z]+\+(aiosqlite|asyncpg|psycopg_async|psycopg|aiomysql|asyncmy|aioodbc)://")


def required_packages(changed_sources: Iterable[bytes]) -> list[str]:
    """Distributions to add to the migrated project's dependencies, sorted."""
    needed: set[str] = set()
    for source in changed_sources:
        needed.add("sqlalchemy[asyncio]")  # greenlet is no longer installed by default in 2.1
        for match in _URL_DRIVER.finditer(source):
            needed.add(DRIVER_PACKAGES[match.group(1).decode()])
        if b"pytest_asyncio" in source or b"pytest.mark.asyncio" in source:
            needed.add("pytest-asyncio")
    return sorted(needed)


#: A database a sync URL or a settings class names: ``postgresql://``, ``scheme="postgresql"``,
#: pydantic's ``PostgresDsn``.
_DIALECT_MENTION = re.compile(
    rb"""\b(postgresql|postgres|sqlite|mysql|mariadb|mssql)(?:\+\w+)?://"""
    rb"""|\bscheme\s*=\s*["'](postgresql|postgres|sqlite|mysql|mariadb|mssql)\b"""
    rb"""|\b(Postgres|MySQL|MariaDB)Dsn\b"""
)


def runtime_url_drivers(
    changed_sources: Iterable[bytes], project_sources: Iterable[bytes], async_drivers: Mapping[str, str]
) -> list[str]:
    """The async drivers a URL converted at run time (``_async_database_url``) may need: one per
    database the project's sources name (sync URLs, settings schemes, pydantic DSN types)."""
    from .codemods.runtime_url import DIALECT_ASYNC_DRIVERS, HELPER

    if not any(f"{HELPER}(".encode() in source for source in changed_sources):
        return []
    dialects = set()
    for source in project_sources:
        for match in _DIALECT_MENTION.finditer(source):
            word = next(g for g in match.groups() if g).decode().lower()
            dialects.add({"postgres": "postgresql"}.get(word, word))
    drivers = {**DIALECT_ASYNC_DRIVERS, **async_drivers}
    return sorted({DRIVER_PACKAGES.get(drivers[d], drivers[d]) for d in dialects if d in drivers})
