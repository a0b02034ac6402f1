import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


# The wrapper commits after the work, or rolls it back: made async, it must await the function it
# replaces, or it commits before a coroutine runs and hands that coroutine to the caller.
def in_transaction(fn):
    @functools.wraps(fn)
    def wrapper(db: Session, *args, **kwargs):
        try:
            result = fn(db, *args, **kwargs)
            db.commit()
            return result
        except Exception:
            db.rollback()
            raise

    return wrapper


@in_transaction
def rename(db: Session, user_id: int, name: str) -> str:
    user = db.get(User, user_id)
    user.name = name
    return user.name


@in_transaction
def rename_all(db: Session, suffix: str) -> int:
    users = db.scalars(select(User)).all()
    for user in users:
        user.name = user.name + suffix
    return len(users)


def rename_and_count(db: Session, user_id: int) -> list:
    return [rename(db, user_id, "renamed"), rename_all(db, "!")]
