import functools

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from golden_models import User

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)


# The wrapper opens the session it hands the functions it decorates, which take it unannotated:
# its call types it. Made async for its commit, the wrapper awaits them, so each becomes async with
# it (ping too, with no I/O of its own), and their callers await them.
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


@with_session
def ping(db) -> str:
    return "pong"


def handle_rename(user_id: int) -> list:
    return [rename(user_id, "renamed"), ping()]
