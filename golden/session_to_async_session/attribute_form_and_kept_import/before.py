import sqlalchemy.orm
from sqlalchemy.orm import Session


def count(db: sqlalchemy.orm.Session) -> int:
    return db.scalar(sqlalchemy.text("select 1"))


def is_session(obj: object) -> bool:
    # A non-annotation use: the Session import must stay.
    return isinstance(obj, Session)


def typed(db: Session) -> None:
    db.add(object())
