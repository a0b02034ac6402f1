from sqlalchemy.orm import Session

from golden_models import User


def id_name_rows(db: Session):
    return db.query(User.id, User.name).order_by(User.id).all()


def first_id(db: Session, name: str):
    # A single column is still a Row, not a scalar.
    return db.query(User.id).filter(User.name == name).order_by(User.id).first()


def names(db: Session):
    # Duplicate names are kept: column-only queries are not de-duplicated.
    return db.query(User.name).order_by(User.name).all()


def name_for(db: Session, user_id: int):
    row = db.query(User.name).filter(User.id == user_id).one()
    return row.name
