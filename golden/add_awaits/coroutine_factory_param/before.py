import logging
from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from golden_models import User

logger = logging.getLogger(__name__)


def rename_all(db: Session, old: str, new: str) -> None:
    db.execute(update(User).where(User.name == old).values(name=new))


def check_size(db: Session) -> None:
    if db.scalar(select(func.count()).select_from(User)) > 3:
        raise ValueError("too many users")


def safe_try(fn: Callable) -> bool:
    """Only calls what it is handed, and every call hands a lambda running code made async."""
    try:
        fn()
        return True
    except Exception as e:
        logger.error(f"Error calling '{fn.__name__}': {e}")
        return False


def fix_all(db: Session) -> list[bool]:
    return [
        safe_try(lambda: rename_all(db, "alice", "alicia")),
        safe_try(lambda: check_size(db)),
    ]


class Seeder:
    def __init__(self, db: Session) -> None:
        self.db = db

    def _wrap(self, action) -> str:
        try:
            action()
        except Exception as e:
            raise RuntimeError("seeding failed") from e
        return "seeded"

    def seed(self) -> str:
        return self._wrap(lambda: self.add("zoe"))

    def add(self, name: str) -> None:
        self.db.add(User(name=name, age=20))
        self.db.flush()


def call(fn: Callable):
    return fn()


def mixed(db: Session) -> list:
    """`call` is also handed a lambda running sync code: awaiting what it calls would raise."""
    return [call(lambda: 1), call(lambda: check_size(db))]
