from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def user_names(db: Session):
    yield from db.scalars(select(User.name).order_by(User.id)).all()


def count_users(db: Session):
    return db.scalar(select(func.count(User.id)))
