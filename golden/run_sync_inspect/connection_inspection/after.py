"""Inspection of a connection: in place, and through a variable whose Inspector caches its answers."""

from sqlalchemy import inspect, text
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


async def inspected(db: AsyncSession, table: str):
    engine = create_async_engine(_async_database_url(db.get_bind().url))
    async with engine.connect() as conn:
        before = await conn.run_sync(
            lambda sync_conn: inspect(sync_conn).get_table_names()
        )
        insp = await conn.run_sync(inspect)
        columns = [
            c["name"]
            for c in await conn.run_sync(lambda sync_conn: insp.get_columns(table))
        ]
        cached = await conn.run_sync(lambda sync_conn: insp.get_table_names())
        await conn.execute(text("create table extra (id integer)"))
        # the variable's Inspector answers from its cache: the table created since is not there
        still_cached = await conn.run_sync(lambda sync_conn: insp.get_table_names())
        fresh = await conn.run_sync(
            lambda sync_conn: inspect(sync_conn).get_table_names()
        )
        await conn.execute(text("drop table extra"))
        await conn.commit()
    await engine.dispose()
    return before, columns, cached, still_cached, fresh
