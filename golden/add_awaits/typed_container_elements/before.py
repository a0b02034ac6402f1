"""Values taken out of a typed container are its elements: a check handed a ``tuple[Users, User]``
(a repository and a model, as a fixture hands a test) calls the repository's methods made async
through an index, unpacking, a loop over a ``Sequence[Users]`` and ``random.choice``. Each call is
awaited and the check becomes async, as do the functions calling it."""

import random
from collections.abc import Sequence

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


def check_indexed(pair: tuple[Users, User]) -> list:
    users = pair[0]
    user = pair[-1]
    copy = users.add(user.name + "-copy", user.age + 1)
    return [copy.name, copy.age, users.count()]


def check_unpacked(pair: tuple[Users, User]) -> list:
    users, user = pair
    return [users.add(user.name, 30).age, users.count()]


def check_each(all_users: Sequence[Users]) -> list:
    counts = []
    for users in all_users:
        counts.append(users.count())
    return counts


def check_chosen(same: tuple[Users, Users]) -> int:
    users = random.choice(same)
    return users.count()


def run_indexed(db: Session) -> list:
    users = Users(db)
    return check_indexed((users, db.get(User, 2)))


def run_unpacked(db: Session) -> list:
    users = Users(db)
    return check_unpacked((users, db.get(User, 3)))


def run_each(db: Session) -> list:
    return check_each([Users(db), Users(db)])


def run_chosen(db: Session) -> int:
    users = Users(db)
    return check_chosen((users, users))
