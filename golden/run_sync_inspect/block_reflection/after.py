"""Reflection inside a transaction block: the engine's Inspector
(``Inspector.from_engine``) and an in-place ``inspect(engine)`` read the schema,
and the tables found are dropped in the block; tables reflected with ``autoload_with``
an engine (inside and outside its block) and a connection."""

from sqlalchemy import inspect
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.schema import DropTable, MetaData, Table


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


async def drop_all(db: AsyncSession):
    engine = create_async_engine(_async_database_url(db.get_bind().url))
    async with engine.begin() as connection:
        inspector = await connection.run_sync(Inspector.from_engine)
        meta = MetaData()
        tables = []
        references = []
        for table_name in sorted(
            await connection.run_sync(lambda sync_conn: inspector.get_table_names())
        ):
            for fkey in await connection.run_sync(
                lambda sync_conn: inspector.get_foreign_keys(table_name)
            ):
                references.append((table_name, fkey["referred_table"]))
            tables.append(Table(table_name, meta))
        if await connection.run_sync(
            lambda sync_conn: inspect(sync_conn).has_table("users")
        ):
            for table in tables:
                await connection.execute(DropTable(table))
    async with engine.connect() as conn:
        remaining = await conn.run_sync(
            lambda sync_conn: inspect(sync_conn).get_table_names()
        )
    await engine.dispose()
    return [t.name for t in tables], references, remaining


async def reflected_columns(db: AsyncSession):
    engine = create_async_engine(_async_database_url(db.get_bind().url))
    async with engine.connect() as connection:
        users = await connection.run_sync(
            lambda sync_conn: Table("users", MetaData(), autoload_with=sync_conn)
        )
        addresses = await connection.run_sync(
            lambda sync_conn: Table("addresses", MetaData(), autoload_with=sync_conn)
        )
    async with engine.connect() as conn:
        again = await conn.run_sync(
            lambda sync_conn: Table("users", MetaData(), autoload_with=sync_conn)
        )
    await engine.dispose()
    return [[c.name for c in t.columns] for t in (users, addresses, again)]
