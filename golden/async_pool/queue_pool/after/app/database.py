from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

engine = create_async_engine(
    "sqlite+aiosqlite:///./app.db",
    poolclass=AsyncAdaptedQueuePool,
    pool_size=1,
    max_overflow=0,
    pool_timeout=5,
    pool_pre_ping=True,
)
SessionLocal = async_sessionmaker(autoflush=False, bind=engine, expire_on_commit=False)


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()
