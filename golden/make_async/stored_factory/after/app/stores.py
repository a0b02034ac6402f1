from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Base, User


def _setup(url):
    engine = create_engine(url)
    Session = sessionmaker(bind=engine)

    def scalar(statement):
        with Session() as session:
            return session.scalar(statement)

    return engine, Session, scalar


def _count_with(query):
    return query(select(func.count(User.id)))


def memory_store(name):
    engine, Session, scalar = _setup("sqlite://")
    Base.metadata.create_all(bind=engine)
    with Session() as session:
        session.add(User(id=1, name=name, age=1))
        session.commit()
    count = _count_with(scalar)
    engine.dispose()
    return count


async def count_users(db: AsyncSession):
    return await db.scalar(select(func.count(User.id)))
