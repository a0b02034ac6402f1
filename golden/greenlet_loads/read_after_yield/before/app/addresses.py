from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Address, User


@contextmanager
def temporary_address(db: Session, email: str) -> Iterator[Address]:
    address = Address(email=email, user_id=1)
    db.add(address)
    db.commit()
    yield address
    db.execute(delete(Address).where(Address.email == address.email))
    db.commit()


def add_user(db: Session, user_id: int) -> bool:
    db.add(User(id=user_id, name="dup", age=1))
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return False
    return True


def clash_inside(db: Session) -> tuple[bool, int]:
    with temporary_address(db, "tmp@x.org"):
        added = add_user(db, 1)
    return added, db.scalar(select(func.count()).select_from(Address))
