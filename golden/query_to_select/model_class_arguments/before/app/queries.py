from sqlalchemy.orm import Session

from .models import Mailbox, Person


def newest(db: Session, model):
    return db.query(model).order_by(model.id.desc()).first()


def newest_person_name(db: Session) -> str:
    return newest(db, Person).name


def newest_mailbox_email(db: Session) -> str:
    return newest(db, model=Mailbox).email


def every(db: Session, what):
    return db.query(what).all()


def person_ids(db: Session):
    return every(db, Person.id)


def persons(db: Session):
    return every(db, Person)
