from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from .models import User

engine = create_engine("sqlite://")


def open_session() -> Session:
    return Session(engine)


def open_bound(autoflush: bool) -> Session:
    return Session(bind=engine, autoflush=autoflush)


def names(session: Session) -> list[str]:
    return list(session.scalars(select(User.name)))
