"""A project function patched in for one made async (``patch("mod.f", fake)``, ``mocker.patch``,
``monkeypatch.setattr``) is called where the original is, as it is: it becomes async with it."""

from contextlib import asynccontextmanager
from unittest.mock import patch

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def get_db(engine):
    db = AsyncSession(engine, expire_on_commit=False)
    try:
        yield db
    finally:
        await db.close()


async def oldest_age(engine) -> int:
    manager = asynccontextmanager(get_db)
    async with manager(engine) as db:
        return await db.scalar(select(func.max(User.age)))


async def oldest_on(db: AsyncSession) -> int:
    async def fake_get_db(engine):
        yield db

    with patch("case.get_db", fake_get_db):
        return await oldest_age(db.bind)
