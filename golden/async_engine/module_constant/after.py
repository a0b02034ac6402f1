import os

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


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


# Where the data lives.
DATABASE_URL = f"sqlite+aiosqlite:///{os.environ.get('DB_PATH', './app.db')}"
REPORTING_URL: str = "postgresql+asyncpg://reports@db/reports"

engine = create_async_engine(DATABASE_URL)
reporting = _ping_on_checkout(create_async_engine(REPORTING_URL))
PING = text("SELECT 1")
