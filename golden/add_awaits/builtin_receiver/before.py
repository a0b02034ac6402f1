"""A method called on a receiver whose class the plan cannot tell is awaited if it returns a
coroutine, but not on a receiver that provably holds a builtin (a dict literal, a ``dict[...]``
parameter, ``**kwargs``, a string literal): its ``update``/``items``/``get`` are the builtin's,
even where a project class's method of that name is made async."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class Accounts:
    def __init__(self, db: Session):
        self.db = db

    def get(self, name):
        return self.db.scalar(select(User.age).where(User.name == name))

    def update(self, name, age):
        user = self.db.scalar(select(User).where(User.name == name))
        if user is None:
            return None
        user.age = age
        self.db.flush()
        return user.age

    def items(self):
        return list(self.db.scalars(select(User.name).order_by(User.id)))


SHELF = {"bob": 1}


class Folder:
    def get(self, name):
        return SHELF.get(name)

    def update(self, name, age):
        SHELF[name] = age
        return age

    def items(self):
        return sorted(SHELF.items())


def pick(kind, db):
    return Accounts(db) if kind == "accounts" else Folder()


def merge_ages(db: Session, name: str, changes: dict[str, int], accounts: bool, **extra):
    target = pick("accounts" if accounts else "folder", db)
    data = {name: 50}
    data.update(changes)
    extra.update(data)
    label = "-".join(sorted(extra)).title()
    saved = [target.update(key, age) for key, age in sorted(extra.items())]
    found = target.get(name)
    db.commit()
    return label, saved, found, data.get(name), sorted(data.items())
