from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def in_transaction(db: AsyncSession):
    yield db
    await db.flush()


async def check_and_list(db: AsyncSession):
    async for session in in_transaction(db):
        is_session = isinstance(session, AsyncSession)
        names = (
            (await session.execute(select(User.name).order_by(User.id))).scalars().all()
        )
    return is_session, list(names)


def is_a_session(db: AsyncSession) -> bool:
    return isinstance(db, AsyncSession)


def is_a_session_class(obj) -> bool:
    return isinstance(obj, Session)
