from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from .settings import settings


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


def _ping_on_checkout(engine: AsyncEngine) -> AsyncEngine:
    """Check each pooled connection as it is checked out, as pool_pre_ping=True
    does, in one round trip (SQLAlchemy's asyncpg ping is BEGIN; ; ROLLBACK:
    three). Added by asyncify.
    """
    from sqlalchemy import event, exc

    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "connect")
    def connected(dbapi_connection, connection_record):
        connection_record.info["asyncify_fresh"] = True  # just opened

    @event.listens_for(engine.sync_engine, "checkout")
    def ping(dbapi_connection, connection_record, connection_proxy):
        if connection_record.info.pop("asyncify_fresh", False):
            return
        try:
            if dialect.driver == "asyncpg":  # one simple query, no transaction
                dbapi_connection.run_async(lambda c: c.execute("SELECT 1"))
            else:
                dialect.do_ping(dbapi_connection)
        except Exception as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # as pool_pre_ping: replaced, with the pool's older connections
            raise exc.InvalidatePoolError() from error

    return engine


engine = _ping_on_checkout(
    create_async_engine(
        _async_database_url(settings.database_url),
        connect_args={"check_same_thread": False},
        pool_size=5,
        pool_recycle=1800,
    )
)
SessionLocal = async_sessionmaker(autoflush=False, bind=engine, expire_on_commit=False)


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()
