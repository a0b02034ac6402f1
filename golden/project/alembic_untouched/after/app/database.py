from sqlalchemy.ext.asyncio import AsyncSession

DATABASE_URL = "sqlite:///app.db"


async def save(db: AsyncSession, obj: object) -> None:
    db.add(obj)
    await db.commit()
