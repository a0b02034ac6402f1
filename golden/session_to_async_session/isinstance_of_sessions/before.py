from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


def in_transaction(db: Session):
    yield db
    db.flush()


def check_and_list(db: Session):
    for session in in_transaction(db):
        is_session = isinstance(session, Session)
        names = session.execute(select(User.name).order_by(User.id)).scalars().all()
    return is_session, list(names)


def is_a_session(db: Session) -> bool:
    return isinstance(db, Session)


def is_a_session_class(obj) -> bool:
    return isinstance(obj, Session)
