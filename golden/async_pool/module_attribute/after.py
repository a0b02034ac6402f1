import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine(
    "sqlite+aiosqlite:///app.db", poolclass=sa.pool.AsyncAdaptedQueuePool, pool_size=2
)
