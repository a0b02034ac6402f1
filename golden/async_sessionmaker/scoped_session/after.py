from sqlalchemy.ext.asyncio import (
    async_scoped_session,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import scoped_session
import asyncio

engine = create_async_engine("sqlite+aiosqlite://")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)
Scoped = async_scoped_session(
    async_sessionmaker(bind=engine, expire_on_commit=False),
    scopefunc=asyncio.current_task,
)
ScopedByName = async_scoped_session(SessionLocal, scopefunc=asyncio.current_task)
Opaque = scoped_session(lambda: None)
