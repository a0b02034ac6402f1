import functools

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from golden_models import User

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)


# The wrapper opens the session it hands the functions it decorates, which take it unannotated:
# the plan cannot see their I/O, so they stay sync, and the wrapper, which replaces them, stays sync
# with them, and with the session factory it reads (reported). Nothing changes.
def with_session(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        db = SessionLocal()
        try:
            result = fn(db, *args, **kwargs)
            db.commit()
            return result
        finally:
            db.close()

    return wrapper


@with_session
def rename(db, user_id: int, name: str) -> str:
    user = db.get(User, user_id)
    user.name = name
    return user.name


def handle_rename(user_id: int) -> str:
    return rename(user_id, "renamed")
