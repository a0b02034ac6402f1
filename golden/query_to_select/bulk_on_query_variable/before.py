from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def touch_named(db: Session, name: str) -> int:
    named = db.query(User).filter(User.name == name)
    return named.update({User.age: User.age + 1}, synchronize_session=False)


def bump_and_count(db: Session, name: str) -> int:
    touch_named(db, name)
    return db.scalar(select(func.count()).select_from(User).where(User.age > 30))
