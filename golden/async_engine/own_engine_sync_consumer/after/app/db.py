from sqlalchemy import create_engine, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User
from sync_consumer import Report

engine = create_async_engine("sqlite+aiosqlite:///app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)


def table_sizes() -> dict[str, int]:
    """A connection of an engine of its own goes to sync code outside SQLAlchemy."""
    own = create_engine("sqlite:///app.db")
    with own.connect() as conn:
        report = Report.configure(conn)
        return {table: report.count(table) for table in report.tables()}


async def count_users(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(User))


async def summary() -> str:
    async with SessionLocal() as db:
        sizes = table_sizes()
        return f"{await count_users(db)} users; tables {sorted(sizes.items())}"
