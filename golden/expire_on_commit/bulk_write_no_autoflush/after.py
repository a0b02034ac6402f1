from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User
from sqlalchemy import update

engine = create_async_engine("sqlite+aiosqlite:///./app.db")
SessionLocal = async_sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()


async def cap_ages(db: AsyncSession = Depends(get_db), age: int = 30) -> int:
    count = (await db.execute(update(User).where(User.age > age).values({"age": age}).execution_options(synchronize_session=False))).rowcount
    await db.commit()
    return count
