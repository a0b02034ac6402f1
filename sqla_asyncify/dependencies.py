"""The packages migrated code needs that sync code did not: async drivers, greenlet, pytest-asyncio.

Read off the rewritten sources (what they now import and which driver URLs they hold), so the
summary names exactly what the result uses, each with the lowest version the emitted code works
with. Where they are written (the project's dependency file) is ``depfiles.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: The name of the helper ``codemods/runtime_url.py`` writes into a module whose engine URL is known
#: only at run time.
HELPER = "_async_database_url"

#: Dialect → its default async driver (rules §3.20); ``async-driver`` overrides per dialect.
DIALECT_ASYNC_DRIVERS: dict[str, str] = {
    "sqlite": "aiosqlite",
    "postgresql": "asyncpg",
    "mysql": "aiomysql",
    "mariadb": "aiomysql",
    "mssql": "aioodbc",
}

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

#: ``async_sessionmaker``, ``AsyncSession.scalars`` and ``select()`` as emitted are 2.0 API, and the
#: ``asyncio`` extra installs greenlet, which 2.1 no longer pulls in by default.
SQLALCHEMY = "sqlalchemy[asyncio]>=2.0"
#: ``@pytest.mark.asyncio(loop_scope=...)`` / ``@pytest_asyncio.fixture(loop_scope=...)`` appeared in
#: pytest-asyncio 0.24, which needs pytest 8.2.
PYTEST_ASYNCIO = ("pytest-asyncio>=0.24", "pytest>=8.2")
#: Needed only to run the tests: they go with the project's test dependencies where it has them.
TEST_PACKAGES = frozenset({"pytest", "pytest-asyncio"})

#: ``dialect+driver`` in a URL (``...://``) or a driver name (``.set(drivername="sqlite+aiosqlite")``,
#: as the async twin of an engine kept sync is built).
_URL_DRIVER = re.compile(rb"\b[a-z]+\+(aiosqlite|asyncpg|psycopg_async|psycopg|aiomysql|asyncmy|aioodbc)(?=://|[\"'])")


def required_packages(changed_sources: Iterable[bytes]) -> list[str]:
    """Requirements (PEP 508) to add to the migrated project's dependencies, sorted."""
    needed: set[str] = set()
    for source in changed_sources:
        needed.add(SQLALCHEMY)
        for match in _URL_DRIVER.finditer(source):
            needed.add(DRIVER_PACKAGES[match.group(1).decode()])
        if b"pytest_asyncio" in source or b"pytest.mark.asyncio" in source:
            needed.update(PYTEST_ASYNCIO if b"loop_scope=" in source else ("pytest-asyncio",))
    # one file needing ``pytest-asyncio`` and another ``pytest-asyncio>=0.24``: the bound covers both
    bounded = {_project_name(r) for r in needed if _project_name(r) != r}
    return sorted(r for r in needed if r not in bounded)


def _project_name(requirement: str) -> str:
    """``pytest-asyncio>=0.24`` → ``pytest-asyncio``; ``sqlalchemy[asyncio]>=2.0`` → ``sqlalchemy``."""
    return re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]


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
    if not any(f"{HELPER}(".encode() in source for source in changed_sources):
        return []
    dialects = set()
    for source in project_sources:
        for match in _DIALECT_MENTION.finditer(source):
            word = next(g for g in match.groups() if g).decode().lower()
            dialects.add({"postgres": "postgresql"}.get(word, word))
    drivers = {**DIALECT_ASYNC_DRIVERS, **async_drivers}
    return sorted({DRIVER_PACKAGES.get(drivers[d], drivers[d]) for d in dialects if d in drivers})
