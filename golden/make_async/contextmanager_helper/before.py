from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


@contextmanager
def counted(db: Session):
    """Yields the number of users before the block; flushes what the block added."""
    before = db.scalar(select(func.count()).select_from(User))
    yield before
    db.flush()


def add_user(db: Session, name: str) -> tuple[int, int]:
    with counted(db) as before:
        db.add(User(id=10, name=name, age=20))
    return before, db.scalar(select(func.count()).select_from(User))
