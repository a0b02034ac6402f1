from sqlalchemy.orm import Session

from golden_models import Address, User


def page(db: Session, start: int, stop: int):
    return db.query(User).order_by(User.id)[start:stop]


def head(db: Session):
    return db.query(User).order_by(User.id)[:2]


def tail(db: Session):
    return db.query(User.name).order_by(User.id)[2:]


def nth(db: Session, n: int):
    return db.query(User).join(User.addresses).order_by(User.id)[n]
