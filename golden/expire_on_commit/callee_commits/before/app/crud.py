from sqlalchemy.orm import Session

from golden_models import User


def create_user(db: Session, name: str, age: int) -> User:
    user = User(name=name, age=age)
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


def set_age(db: Session, user: User, age: int) -> None:
    user.age = age
    db.commit()


def rename(db: Session, user: User, name: str) -> User:
    user.name = name
    db.commit()
    db.refresh(user)
    return user


def delete_user(db: Session, user: User) -> None:
    db.delete(user)
    db.commit()


def label(user: User) -> str:
    return f"{user.name} ({user.age})"


class Accounts:
    def __init__(self, db: Session):
        self.db = db

    def open(self, name: str) -> User:
        return create_user(self.db, name, 18)
