import warnings
from contextlib import suppress

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import Address, User


class Counted:
    """Counts the users when entered and when left."""

    def __init__(self, session: Session):
        self.session = session
        self.counts: list[int] = []

    def _count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(User))

    def __enter__(self):
        self.counts.append(self._count())
        return self

    def __exit__(self, exc_type, exc, tb):
        self.counts.append(self._count())


def add_counted(session: Session, name: str) -> tuple[list[int], list[str]]:
    with Counted(session) as counted, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        session.add(User(name=name, age=20))
        session.flush()
        warnings.warn(f"added {name}")
    return counted.counts, [str(w.message) for w in caught]


def add_address_nested(session: Session, user_id: int, email: str, fail: bool = False) -> list[str]:
    with suppress(ValueError), session.begin_nested(), Counted(session) as counted:
        session.add(Address(user_id=user_id, email=email))
        if fail:
            raise ValueError(counted.counts)
    return session.scalars(select(Address.email).where(Address.user_id == user_id).order_by(Address.id)).all()
