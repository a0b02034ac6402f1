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
        "postgresql": "psycopg",
        "sqlite": "aiosqlite",
    }
    dialect = url.get_backend_name()
    if dialect not in async_drivers:
        raise ValueError(
            f"no async driver known for `{url.drivername}` database URLs: "
            "name the async driver of this database in the URL"
        )
    return url.set(drivername=f"{dialect}+{async_drivers[dialect]}")


# psycopg 3 is the configured PostgreSQL driver: its ping is one statement, nothing to report.
primary = create_async_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True)
replica = create_async_engine(
    _async_database_url(os.environ["REPLICA_URL"]), pool_pre_ping=True
)
