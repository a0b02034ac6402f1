from sqlalchemy import exists
from sqlalchemy.orm import Session

from golden_models import Address, User


def name_taken(db: Session, name: str):
    return db.query(db.query(User).filter(User.name == name).exists()).scalar()


def has_address(db: Session, user_id: int):
    return db.query(exists().where(Address.user_id == user_id)).scalar()


def users_with_any_address(db: Session):
    # An EXISTS criterion built from a query: not executed by itself.
    has_one = db.query(Address).filter(Address.user_id == User.id).exists()
    return db.query(User.id).filter(has_one).order_by(User.id).all()
