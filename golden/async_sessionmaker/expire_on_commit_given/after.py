from sqlalchemy.ext.asyncio import async_sessionmaker

from .db import engine

Kept = async_sessionmaker(bind=engine, expire_on_commit=True)
Off = async_sessionmaker(engine, expire_on_commit=False)
