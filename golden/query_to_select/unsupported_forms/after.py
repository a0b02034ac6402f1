from sqlalchemy import text
from sqlalchemy.orm import Session

from golden_models import User


def from_statement(db: Session):
    return db.query(User).from_statement(text("SELECT * FROM users")).all()


def streamed(db: Session):
    return [u.id for u in db.query(User).yield_per(2)]


def last_user(db: Session):
    return db.query(User).order_by(User.id)[-1]


def textual(db: Session):
    return db.query(User).filter(text("age > 26")).all()


def string_join(db: Session):
    return db.query(User).join("addresses").all()


def unknown_entity(db: Session, model):
    return db.query(model).first()


def returned(db: Session):
    return db.query(User).filter(User.age > 26)


def nested_in_unsupported(db: Session):
    return (
        db.query(User)
        .filter(User.id.in_(db.query(User.id)))
        .from_statement(text("SELECT * FROM users"))
        .all()
    )
