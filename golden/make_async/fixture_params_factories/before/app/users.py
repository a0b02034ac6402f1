from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def sqlite_users(db: Session, name):
    db.add(User(id=100, name=name, age=1))
    db.flush()
    return db.scalar(select(func.count(User.id)))


def memory_users(db, name):
    return 1
