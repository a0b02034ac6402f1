import contextlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import User


@contextlib.contextmanager
def counted(db: Session):
    yield db.scalar(select(func.count()).select_from(User))
    db.commit()


@contextlib.contextmanager
def labelled(name: str):
    yield name.upper()


def count_users(db: Session) -> int:
    with contextlib.ExitStack() as stack:
        label = stack.enter_context(labelled("users"))
        total = stack.enter_context(counted(db))
        return len(label) + total
