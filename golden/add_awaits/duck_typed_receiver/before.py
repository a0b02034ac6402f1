"""A method called on a receiver whose class the plan cannot tell is awaited if it returns a
coroutine only while a class whose method of that name is made async has every method the code
calls on that receiver: where it lacks one, the receiver holds something else."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class Accounts:
    def __init__(self, db: Session):
        self.db = db

    def create(self, name):
        self.db.add(User(name=name, age=30))
        self.db.flush()
        return self.db.scalar(select(func.count(User.id)))


class Folder:
    def __init__(self):
        self.items = []

    def create(self, name):
        self.items.append(name)
        return len(self.items)

    def describe(self):
        return ",".join(self.items)


class Shelf(Folder):
    pass


def pick(kind, db):
    return Accounts(db) if kind == "accounts" else Shelf() if kind == "shelf" else Folder()


def fill(db: Session, name: str, shelf: bool):
    store = pick("shelf" if shelf else "folder", db)
    created = store.create(name)
    db.commit()
    return created, store.describe()


def create_any(db: Session, name: str, accounts: bool):
    target = pick("accounts" if accounts else "folder", db)
    created = target.create(name)
    db.commit()
    return created
