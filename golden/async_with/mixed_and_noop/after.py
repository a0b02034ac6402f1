import threading

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .models import User

engine = create_async_engine("sqlite+aiosqlite:///./app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)
lock = threading.Lock()


async def export(path):
    async with SessionLocal() as session:
        with open(path, "w") as out:
            for user in await session.scalars(select(User)):
                out.write(user.name)


def read_config(path):
    with open(path) as f, lock:
        return f.read()
