from fastapi import Depends, FastAPI
from sqlalchemy import func, inspect, select
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User

engine = create_async_engine("sqlite+aiosqlite:///app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)
app = FastAPI()


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()


@app.get("/schema")
async def schema(db: AsyncSession = Depends(get_db)) -> dict:
    users = await db.scalar(select(func.count()).select_from(User))
    insp = engine
    async with insp.connect() as conn:
        tables = await conn.run_sync(
            lambda sync_conn: inspect(sync_conn).get_table_names()
        )
    async with insp.connect() as conn:
        columns = [
            c["name"]
            for c in await conn.run_sync(
                lambda sync_conn: inspect(sync_conn).get_columns("users")
            )
        ]
    async with engine.connect() as conn:
        return {
            "users": users,
            "tables": tables,
            "columns": columns,
            "missing": await conn.run_sync(
                lambda sync_conn: inspect(sync_conn).has_table("missing")
            ),
        }


@app.get("/tables")
async def tables() -> list[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync_conn: inspect(sync_conn).get_table_names()
        )
