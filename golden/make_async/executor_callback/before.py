"""A function handed to an executor runs in a worker thread, called synchronously there: it stays
sync (reported) even though it reaches session I/O, and so does what it calls; async callers of
those reach them through run_sync."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def count_named(db: Session, name):
    return db.scalar(select(func.count(User.id)).where(User.name == name))


def count_with_own_session(engine, name):
    with Session(engine) as db:
        return count_named(db, name)


def count_in_thread(engine, name):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(count_with_own_session, engine, name).result()


def count_here(db: Session, name):
    return count_named(db, name) + db.scalar(select(func.count(User.id)))
