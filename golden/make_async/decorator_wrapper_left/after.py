import functools

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from golden_models import User

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)


# The function the wrapper replaces is stored as a value and called where nothing awaits it: it stays
# sync (reported), and the wrapper, which its callers call in its place, stays sync with it, and with
# the session factory it reads (reported). Nothing changes.
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


HANDLERS = [rename]
