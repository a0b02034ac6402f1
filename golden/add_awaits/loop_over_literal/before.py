from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class Users:
    def __init__(self, db: Session, min_age: int) -> None:
        self.db = db
        self.min_age = min_age

    def names(self) -> list[str]:
        query = select(User.name).where(User.age >= self.min_age).order_by(User.id)
        return list(self.db.scalars(query))

    def rename(self, user_id: int, name: str) -> None:
        user = self.db.get(User, user_id)
        user.name = name
        self.db.flush()


def names_by_label(db: Session) -> dict[str, list[str]]:
    found = {}
    for label, users in [("all", Users(db, 0)), ("over 30", Users(db, 31))]:
        found[label] = users.names()
    return found


def rename_twice(db: Session) -> list[str]:
    everyone = Users(db, 0)
    older = Users(db, 35)
    for users, user_id in ((everyone, 2), (older, 3)):
        users.rename(user_id, f"renamed {user_id}")
    return [name for users in [everyone, older] for name in users.names()]
