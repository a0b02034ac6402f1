from functools import cached_property
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from golden_models import User

T = TypeVar("T")


class Repository(Generic[T]):
    def __init__(self, db: Session, model: type[T]) -> None:
        self.db = db
        self.model = model

    def get(self, key: int) -> T | None:
        return self.db.get(self.model, key)


class Names:
    def __init__(self, db: Session) -> None:
        self.db = db

    @cached_property
    def users(self):
        return Repository[User](self.db, User)

    def name(self, key: int) -> str:
        user = self.users.get(key)
        return user.name if user else ""

    def first(self) -> str:
        repository = Repository[User](self.db, User)
        return repository.get(1).name
