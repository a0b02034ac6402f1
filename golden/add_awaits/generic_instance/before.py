from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User

T = TypeVar("T")


class Repository(Generic[T]):
    def __init__(self, session: Session, model: type[T]) -> None:
        self.session = session
        self.model = model

    def names(self) -> list[str]:
        stmt = select(User.name).order_by(User.id)
        return list(self.session.execute(stmt).scalars())


class Handler(Generic[T]):
    def __init__(self, repo: Repository[T]) -> None:
        self.repo = repo

    def first_names(self, count: int) -> list[str]:
        return self.repo.names()[:count]


class Controller:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def handler(self):
        return Handler[User](Repository[User](self.session, User))

    def first_names(self, count: int) -> list[str]:
        # The handler is a generic class instantiated with a type argument: still that class.
        return self.handler.first_names(count)


def first_names(db: Session, count: int) -> list[str]:
    return Controller(db).first_names(count)


def all_names(db: Session) -> list[str]:
    return Repository[User](db, User).names()
