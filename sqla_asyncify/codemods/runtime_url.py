"""An engine URL known only at run time gets its async driver at run time, where the engine is built.

``create_engine(settings.DATABASE_URL)`` → ``create_async_engine(_async_database_url(settings.DATABASE_URL))``.
The setting, the environment variable and every other reader of the URL (Alembic, sqlalchemy-utils'
``database_exists``, a sync engine kept for held code, start-up scripts) keep the sync URL they
had: only the async engine sees the converted one. The helper is written once into the module that
builds such an engine (after its imports), so the migrated code depends on nothing of asyncify's:

* a sync driver becomes the async driver of the same database (the table below, with
  ``[tool.asyncify] async-driver`` applied);
* a URL that already names an async driver passes through unchanged;
* a database with no known async driver raises ``ValueError`` naming the scheme, at start-up.

Transformers call ``runtime_async_url`` (it queues the helper); ``rewrite.py`` adds the helper
after every transformer has run, so the lines they report stay the input's.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
from libcst.codemod import CodemodContext

from ..dependencies import DIALECT_ASYNC_DRIVERS, HELPER  # there: the summary reads them without the transformers
from .module_helpers import queue_helper


#: ``dialect+driver`` that ``create_async_engine`` accepts as written.
ASYNC_READY_DRIVERS: tuple[str, ...] = (
    "sqlite+aiosqlite",
    "postgresql+asyncpg",
    "postgresql+psycopg",
    "postgresql+psycopg_async",
    "mysql+aiomysql",
    "mysql+asyncmy",
    "mariadb+aiomysql",
    "mariadb+asyncmy",
    "mssql+aioodbc",
    "oracle+oracledb",
    "oracle+oracledb_async",
)


def runtime_async_url(context: CodemodContext, value: cst.BaseExpression, async_drivers: Mapping[str, str]) -> cst.Call:
    """``_async_database_url(value)``; the helper is added to the module when the rewrite ends."""
    queue_helper(context, HELPER, helper_source(async_drivers))
    return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(value)])


def helper_source(async_drivers: Mapping[str, str]) -> str:
    drivers = {**DIALECT_ASYNC_DRIVERS, **async_drivers}
    table = "".join(f'        "{dialect}": "{driver}",\n' for dialect, driver in sorted(drivers.items()))
    # Driver names only: the async drivers are async whatever the dialect says.
    ready = "".join(f'        "{name}",\n' for name in sorted({n.partition("+")[2] for n in ASYNC_READY_DRIVERS}))
    return (
        f"def {HELPER}(url):\n"
        '    """The database URL with the async driver of its database, for create_async_engine.\n'
        "\n"
        "    Converted when the engine is built: the setting itself keeps its sync driver for\n"
        "    sync consumers (Alembic, scripts). Added by asyncify.\n"
        '    """\n'
        "    from sqlalchemy.engine import URL, make_url\n"
        "\n"
        "    url = url if isinstance(url, URL) else make_url(str(url))\n"
        "    if url.drivername.partition(\"+\")[2] in (\n"
        f"{ready}"
        "    ):\n"
        "        return url\n"
        "    async_drivers = {\n"
        f"{table}"
        "    }\n"
        "    dialect = url.get_backend_name()\n"
        "    if dialect not in async_drivers:\n"
        "        raise ValueError(\n"
        '            f"no async driver known for `{url.drivername}` database URLs: "\n'
        '            "name the async driver of this database in the URL"\n'
        "        )\n"
        '    return url.set(drivername=f"{dialect}+{async_drivers[dialect]}")\n'
    )

