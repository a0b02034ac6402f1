"""The packages migrated code needs that sync code did not: async drivers, greenlet, pytest-asyncio.

Read off the rewritten sources (what they now import and which driver URLs they hold), so the
summary names exactly what the result uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
