from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def count_named(db: Session, name):
    return db.scalar(select(func.count(User.id)).where(User.name == name))


def count_fixed(db, name):
    return 2
