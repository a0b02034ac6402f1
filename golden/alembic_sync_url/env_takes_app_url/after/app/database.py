from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

DATABASE_URL = "sqlite+aiosqlite:///app.db"
engine = create_async_engine(DATABASE_URL)


async def save(db: AsyncSession, obj: object) -> None:
    db.add(obj)
    await db.commit()
