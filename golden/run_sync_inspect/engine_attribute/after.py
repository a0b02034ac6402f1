import types

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine


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


async def column_names(db: AsyncSession, table: str) -> list[str]:
    # ``holder`` has no type the plan knows; the engine this function assigns to its attribute
    # becomes an AsyncEngine, so inspecting ``holder.engine`` goes through run_sync.
    holder = types.SimpleNamespace()
    holder.engine = create_async_engine(_async_database_url(db.get_bind().url))
    async with holder.engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync_conn: inspect(sync_conn).get_columns(table)
        )
    await holder.engine.dispose()
    return [c["name"] for c in columns]
