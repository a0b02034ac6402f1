import sqlalchemy
from sqlalchemy.ext.asyncio import create_async_engine

metadata = sqlalchemy.MetaData()
notes = sqlalchemy.Table("notes", metadata, sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True))


async def create_tables(db):
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()
    return sorted(metadata.tables)
