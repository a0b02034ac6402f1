import os

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# Where the data lives.
DATABASE_URL = f"sqlite+aiosqlite:///{os.environ.get('DB_PATH', './app.db')}"
REPORTING_URL: str = "postgresql+asyncpg://reports@db/reports"

engine = create_async_engine(DATABASE_URL)
reporting = create_async_engine(REPORTING_URL, pool_pre_ping=True)
PING = text("SELECT 1")
