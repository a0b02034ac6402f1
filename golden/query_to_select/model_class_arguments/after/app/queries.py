from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Mailbox, Person
from sqlalchemy import select


async def newest(db: AsyncSession, model):
    return (
        (await db.execute(select(model).order_by(model.id.desc()).limit(1)))
        .scalars()
        .first()
    )


async def newest_person_name(db: AsyncSession) -> str:
    return (await newest(db, Person)).name


async def newest_mailbox_email(db: AsyncSession) -> str:
    return (await newest(db, model=Mailbox)).email


def every(db: Session, what):
    return db.query(what).all()


async def person_ids(db: AsyncSession):
    return await db.run_sync(every, Person.id)


async def persons(db: AsyncSession):
    return await db.run_sync(every, Person)
