import sqlalchemy.orm
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession


async def count(db: AsyncSession) -> int:
    return await db.scalar(sqlalchemy.text("select 1"))


def is_session(obj: object) -> bool:
    # A non-annotation use: the Session import must stay.
    return isinstance(obj, Session)


def typed(db: AsyncSession) -> None:
    db.add(object())
