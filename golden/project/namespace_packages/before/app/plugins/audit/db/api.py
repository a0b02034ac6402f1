from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def count_named(db: Session, name: str) -> int:
    return db.scalar(select(func.count()).select_from(User).where(User.name == name))
