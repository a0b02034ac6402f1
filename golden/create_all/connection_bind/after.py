from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase

engine = create_async_engine("sqlite+aiosqlite://")


class Base(DeclarativeBase):
    pass


async def setup():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
