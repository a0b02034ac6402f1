"""``contextmanager(gen)`` applied by a call, to a generator the migration makes async: it becomes
``asynccontextmanager(gen)``, entered with ``async with``, from a local helper as at module level."""

from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def get_db(engine):
    db = Session(engine)
    try:
        yield db
    finally:
        db.close()


db_scope = contextmanager(get_db)


def count_users(db: Session) -> int:
    with db_scope(db.bind) as other:
        return other.scalar(select(func.count(User.id)))


def save_counts(db: Session, counts: dict) -> int:
    engine = db.bind
    db_manager = contextmanager(get_db)

    def commit_to_db(items: dict) -> None:
        with db_manager(engine) as session:
            for name, age in items.items():
                session.add(User(name=name, age=age))
            session.commit()

    commit_to_db(counts)
    return count_users(db)
