from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import Base, User


def _setup(url):
    engine = create_engine(url)
    return engine, sessionmaker(bind=engine)


def memory_store(name):
    engine, Session = _setup("sqlite://")
    Base.metadata.create_all(bind=engine)
    with Session() as session:
        session.add(User(id=1, name=name, age=1))
        session.commit()
        count = session.scalar(select(func.count(User.id)))
    engine.dispose()
    return count


def count_users(db: Session):
    return db.scalar(select(func.count(User.id)))
