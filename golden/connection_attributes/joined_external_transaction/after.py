"""A session joined into an external transaction on one connection (the test-suite recipe): the
connection's transaction is begun and rolled back by hand, and the connection carries a value of
the project's own."""

from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import Base, User


def session_factory(conn) -> Callable[[], AsyncSession]:
    return async_sessionmaker(bind=conn, expire_on_commit=False)


async def joined_then_rolled_back(session: AsyncSession, name):
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as setup:
        await setup.run_sync(Base.metadata.create_all)
    conn = await engine.connect()
    trans = await conn.begin()
    conn.sync_connection.label = "outer"
    make = session_factory(conn)
    inner = make()
    inner.add(User(name=name, age=1))
    await inner.commit()  # joined: the outer transaction stays open
    seen = await inner.scalar(select(func.count(User.id)))
    await inner.close()
    await trans.rollback()
    left = await conn.scalar(select(func.count(User.id)))
    label = conn.sync_connection.label
    await conn.close()
    await engine.dispose()
    return seen, left, label
