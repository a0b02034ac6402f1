"""Shared with the reporting jobs, which stay sync."""
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_engine("sqlite:///./app.db", connect_args={"check_same_thread": False})
async_engine = create_async_engine("sqlite+aiosqlite:///./app.db", connect_args={"check_same_thread": False})
SessionLocal = sessionmaker(autoflush=False, bind=engine)
AsyncSessionLocal = async_sessionmaker(autoflush=False, bind=async_engine, expire_on_commit=False)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def get_async_db():
    db = AsyncSessionLocal()
    try:
        yield db
    finally:
        await db.close()


def count_users() -> int:
    with SessionLocal() as db:
        return db.execute("SELECT 1").scalar()
