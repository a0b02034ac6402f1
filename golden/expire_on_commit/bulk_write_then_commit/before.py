from sqlalchemy import delete
from sqlalchemy.orm import Session

from golden_models import User


class Users:
    def __init__(self, db: Session) -> None:
        self.db = db

    def set_age(self, user_id: int, age: int) -> None:
        self.db.query(User).filter(User.id == user_id).update(
            {"age": age}, synchronize_session=False
        )
        self.db.commit()

    def rename_older(self, age: int, name: str) -> int:
        count = self.db.query(User).filter(User.age > age).update({"name": name}, synchronize_session=False)
        self.db.commit()
        return count

    def drop_older(self, age: int) -> None:
        self.db.execute(delete(User).where(User.age > age).execution_options(synchronize_session=False))
        self.db.commit()

    def birthday(self, user_id: int) -> tuple[int, int]:
        user = self.db.get(User, user_id)
        before = user.age
        self.set_age(user_id, before + 1)
        return before, user.age

    def rename_and_read(self, age: int, name: str) -> tuple[int, list[tuple[str, int]]]:
        users = self.db.query(User).order_by(User.id).all()
        count = self.rename_older(age, name)
        return count, [(u.name, u.age) for u in users]

    def drop_then_get(self, age: int, user_id: int) -> int | None:
        self.db.get(User, user_id)
        self.drop_older(age)
        user = self.db.get(User, user_id)
        return None if user is None else user.age
