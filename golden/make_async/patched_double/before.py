"""A project function patched in for one made async (``patch("mod.f", fake)``, ``mocker.patch``,
``monkeypatch.setattr``) is called where the original is, as it is: it becomes async with it."""

from contextlib import contextmanager
from unittest.mock import patch

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def get_db(engine):
    db = Session(engine)
    try:
        yield db
    finally:
        db.close()


def oldest_age(engine) -> int:
    manager = contextmanager(get_db)
    with manager(engine) as db:
        return db.scalar(select(func.max(User.age)))


def oldest_on(db: Session) -> int:
    def fake_get_db(engine):
        yield db

    with patch("case.get_db", fake_get_db):
        return oldest_age(db.bind)
