"""A connection handed to Alembic through its config (reported), beside one labelled (converted)."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine


class Config:
    """Stands for ``alembic.config.Config``: a place for ``attributes``."""

    def __init__(self):
        self.attributes = {}


async def handed_to_alembic(session: AsyncSession):
    engine = create_async_engine("sqlite+aiosqlite://")
    conn = await engine.connect()
    cfg = Config()
    cfg.attributes["connection"] = conn
    conn.sync_connection.label = "migrations"
    value = (await conn.execute(text("select 1"))).scalar()
    await conn.close()
    await engine.dispose()
    return value, conn.sync_connection.label
