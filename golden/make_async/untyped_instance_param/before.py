"""A helper whose parameter has no type, handed the same project object by every caller: its calls
on that parameter are the object's methods, made async with them and awaited."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class Users:
    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, name: str, age: int) -> User:
        user = User(name=name, age=age)
        self.db.add(user)
        self.db.flush()
        return user

    def count(self) -> int:
        return self.db.scalar(select(func.count()).select_from(User))


def add_pair(users, name):
    first = users.add(name, 20)
    second = users.add(name, 21)
    return [first.id, second.id, users.count()]


def add_named(db: Session, name: str):
    users = Users(db)
    return add_pair(users, name)


def add_twice(db: Session, name: str):
    repo: Users = Users(db)
    return add_pair(repo, name) + add_pair(users=repo, name=name)


def describe(thing, label):
    return f"{label}: {thing}"


def describe_count(db: Session):
    return describe(Users(db).count(), "users") + describe("none", 0)
