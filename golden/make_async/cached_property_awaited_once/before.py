from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class UserRepository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def get(self, user_id: int) -> User | None:
        return self.db.get(User, user_id)

    def count(self) -> int:
        return self.db.scalar(select(func.count()).select_from(User))


class Greeter:
    def __init__(self, user: User | None, total: int) -> None:
        self.user = user
        self.total = total

    def greet(self) -> str:
        return f"hello {self.user.name} (1 of {self.total})"


class Controller:
    def __init__(self, db: Session) -> None:
        self.repo = UserRepository(db)
        self.user_id = 1

    @property
    def user(self) -> User | None:
        return self.repo.get(self.user_id)

    @cached_property
    def greeter(self) -> Greeter:
        return Greeter(self.user, self.repo.count())

    @cached_property
    def label(self) -> str:
        return "controller"

    def greet_twice(self) -> list[str]:
        return [self.greeter.greet(), self.greeter.greet()]

    def kept_after_insert(self) -> tuple[int, int]:
        before = self.greeter.total
        self.repo.db.add(User(id=9, name="dan", age=50))
        self.repo.db.flush()
        return before, self.greeter.total

    def forgotten_after_delete(self) -> tuple[int, int]:
        before = self.greeter.total
        self.repo.db.add(User(id=9, name="dan", age=50))
        self.repo.db.flush()
        del self.greeter
        return before, self.greeter.total

    def assigned(self) -> str:
        self.greeter = Greeter(None, 0)
        return f"{self.greeter.total} {self.label}"

    def delete_unread(self) -> None:
        del self.greeter
