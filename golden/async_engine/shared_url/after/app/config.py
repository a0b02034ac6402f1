from sqlalchemy.ext.asyncio import create_async_engine

DATABASE_URL = "postgresql+asyncpg://app@db/app"
engine = create_async_engine(DATABASE_URL)
print("connecting to", DATABASE_URL)
