from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.ext.asyncio import create_async_engine

from .cache import registry

engine = create_async_engine("sqlite+aiosqlite://")
metadata = MetaData()
users = Table("users", metadata, Column("id", Integer, primary_key=True))


async def startup():
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    registry.create_all(engine)


async def teardown(bind):
    metadata.drop_all(bind)
