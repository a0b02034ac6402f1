from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .models import User

engine = create_async_engine("sqlite+aiosqlite:///./app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)


async def count_users():
    async with SessionLocal() as session:
        return len((await session.scalars(select(User))).all())


async def add_user(name):
    async with SessionLocal.begin() as session:
        session.add(User(name=name, age=1))


async def rename(user_id, name):
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        (await session.get(User, user_id)).name = name


async def touch(user_id):
    session = SessionLocal()
    async with session:
        async with session.begin():
            await session.get(User, user_id)
