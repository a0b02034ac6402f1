import os

from sqlalchemy.ext.asyncio import create_async_engine


def _async_database_url(url):
    """The database URL with the async driver of its database, for create_async_engine.

    Converted when the engine is built: the setting itself keeps its sync driver for
    sync consumers (Alembic, scripts). Added by asyncify.
    """
    from sqlalchemy.engine import URL, make_url

    url = url if isinstance(url, URL) else make_url(str(url))
    if url.drivername.partition("+")[2] in (
        "aiomysql",
        "aioodbc",
        "aiosqlite",
        "asyncmy",
        "asyncpg",
        "oracledb",
        "oracledb_async",
        "psycopg",
        "psycopg_async",
    ):
        return url
    async_drivers = {
        "mariadb": "aiomysql",
        "mssql": "aioodbc",
        "mysql": "aiomysql",
        "postgresql": "asyncpg",
        "sqlite": "aiosqlite",
    }
    dialect = url.get_backend_name()
    if dialect not in async_drivers:
        raise ValueError(
            f"no async driver known for `{url.drivername}` database URLs: "
            "name the async driver of this database in the URL"
        )
    return url.set(drivername=f"{dialect}+{async_drivers[dialect]}")


PRIMARY_URL = "postgresql+asyncpg://app@db/app"

# Reported: PostgreSQL, whose async driver is asyncpg.
primary = create_async_engine(PRIMARY_URL, pool_size=20, pool_pre_ping=True)
reports = create_async_engine(url="postgresql+asyncpg://db/rep", pool_pre_ping=True)
# Reported: known at run time only; asyncpg if it names PostgreSQL.
replica = create_async_engine(
    _async_database_url(os.environ["REPLICA_URL"]), pool_pre_ping=True
)

# Not reported: another database, psycopg 3 (its ping is one statement), no ping.
cache = create_async_engine("sqlite+aiosqlite:///./cache.db", pool_pre_ping=True)
events = create_async_engine("postgresql+psycopg://app@db/events", pool_pre_ping=True)
audit = create_async_engine("postgresql+asyncpg://app@db/audit", pool_pre_ping=False)
