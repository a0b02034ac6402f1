from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Base, User


def sqlite_users(db, name):
    engine = create_engine("sqlite://")
    Base.metadata.create_all(bind=engine)
    with Session(engine) as session:
        session.add(User(id=1, name=name, age=1))
        session.commit()
        count = session.scalar(select(func.count(User.id)))
    engine.dispose()
    return count


async def count_users(db: AsyncSession):
    return await db.scalar(select(func.count(User.id)))
