from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

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


engine = create_async_engine(
    _async_database_url(settings.database_url),
    connect_args={"check_same_thread": False},
    pool_size=5,
    pool_pre_ping=True,
    pool_recycle=1800,
)
SessionLocal = async_sessionmaker(autoflush=False, bind=engine, expire_on_commit=False)


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()
