from sqlalchemy.orm import Session

from golden_models import Address, User


def one_by_id(db: Session, user_id: int):
    return db.query(User).filter(User.id == user_id).one()


def one_or_none_by_name(db: Session, name: str):
    return db.query(User).filter(User.name == name).one_or_none()


def one_joined(db: Session, user_id: int):
    # User 1 joins two addresses: legacy de-duplicates to one user.
    return db.query(User).join(User.addresses).filter(User.id == user_id).one()


def one_name_row(db: Session, name: str):
    return db.query(User.name).filter(User.name == name).one()
