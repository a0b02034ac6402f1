"""A session joined into an external transaction on one connection (the test-suite recipe): the
connection's transaction is begun and rolled back by hand, and the connection carries a value of
the project's own."""

from typing import Callable

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import Base, User


def session_factory(conn) -> Callable[[], Session]:
    return sessionmaker(bind=conn)


def joined_then_rolled_back(session: Session, name):
    engine = create_engine("sqlite://")
    with engine.begin() as setup:
        Base.metadata.create_all(setup)
    conn = engine.connect()
    trans = conn.begin()
    conn.label = "outer"
    make = session_factory(conn)
    inner = make()
    inner.add(User(name=name, age=1))
    inner.commit()  # joined: the outer transaction stays open
    seen = inner.scalar(select(func.count(User.id)))
    inner.close()
    trans.rollback()
    left = conn.scalar(select(func.count(User.id)))
    label = conn.label
    conn.close()
    engine.dispose()
    return seen, left, label
