from sqlalchemy.orm import Session

from .models import Address, User


def create(db: Session, name: str) -> list:
    user = User(name=name, age=20)
    db.add(user)
    db.commit()
    # Never assigned: the sync read lazy-loads the (empty) collection.
    return [a.email for a in user.addresses]


def create_flushed(db: Session, name: str) -> int:
    user = User(name=name, age=21)
    db.add(user)
    db.flush()
    db.add(Address(email="late@x.org", user_id=user.id))
    # Staged after the flush: the sync lazy load autoflushes it first and sees it.
    return len(user.addresses)


def create_returned(db: Session, name: str) -> User:
    user = User(name=name, age=22)
    db.add(user)
    db.flush()
    # A response model may read any relationship of the returned object.
    return user


def with_addresses(db: Session, name: str) -> int:
    user = User(name=name, age=23, addresses=[Address(email="n@x.org")])
    db.add(user)
    db.commit()
    return len(user.addresses)


def appended(db: Session, name: str) -> list:
    user = User(name=name, age=24)
    user.addresses.append(Address(email="m@x.org"))
    db.add(user)
    db.commit()
    return [a.email for a in user.addresses]
