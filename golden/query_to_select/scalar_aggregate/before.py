from sqlalchemy import func
from sqlalchemy.orm import Session

from golden_models import Address, User


def max_age(db: Session):
    return db.query(func.max(User.age)).scalar()


def user_count_for(db: Session, name: str):
    return db.query(func.count(User.id)).filter(User.name == name).scalar()


def the_user(db: Session, name: str):
    return db.query(User).filter(User.name == name).scalar()


def emails_per_user(db: Session):
    return (
        db.query(Address.user_id, func.count(Address.id))
        .group_by(Address.user_id)
        .having(func.count(Address.id) > 0)
        .order_by(Address.user_id)
        .all()
    )
