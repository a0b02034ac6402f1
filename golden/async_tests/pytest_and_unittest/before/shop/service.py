from sqlalchemy.orm import Session

from shop.models import User


def add_user(db: Session, name: str) -> User:
    user = User(name=name, age=1)
    db.add(user)
    db.flush()
    return user


def count(db: Session) -> int:
    return len(db.query(User).all())
