from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from .models import User

engine = create_async_engine("sqlite+aiosqlite://")


def open_session() -> AsyncSession:
    return AsyncSession(engine, expire_on_commit=False)


def open_bound(autoflush: bool) -> AsyncSession:
    return AsyncSession(bind=engine, autoflush=autoflush, expire_on_commit=False)


async def names(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(User.name)))
