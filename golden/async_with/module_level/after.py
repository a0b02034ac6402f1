from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///./app.db")

with engine.connect() as conn:
    VERSION = conn.execute(text("SELECT sqlite_version()")).scalar()
