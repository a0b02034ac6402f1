import psycopg2
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, NullPool, SingletonThreadPool


def connect():
    return psycopg2.connect("dbname=app")


main = create_async_engine(
    "postgresql+asyncpg://u@h/app", poolclass=AsyncAdaptedQueuePool, pool_size=20
)
tests = create_async_engine("sqlite+aiosqlite://", poolclass=SingletonThreadPool)
workers = create_async_engine("postgresql+asyncpg://u@h/app", poolclass=NullPool)
custom = create_async_engine("postgresql+asyncpg://u@h/app", creator=connect)
