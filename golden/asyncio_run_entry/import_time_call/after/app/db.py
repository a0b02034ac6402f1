from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User

engine = create_async_engine("sqlite+aiosqlite:///app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)


async def count_users(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(User))


async def init_db() -> int:
    async with SessionLocal() as db:
        if await count_users(db) < 5:
            db.add(User(name="admin", age=40))
            await db.commit()
        return await count_users(db)
