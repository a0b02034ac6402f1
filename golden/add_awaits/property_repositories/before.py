from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_name(self, name: str) -> list[int]:
        stmt = select(User.id).where(User.name == name).order_by(User.id)
        return list(self.session.execute(stmt).scalars())


class Repositories:
    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.session)

    @property
    def fresh_users(self):
        return UserRepository(self.session)


def ids_named(db: Session, name: str) -> list[int]:
    # The repository comes through properties: the plan follows what their getters return.
    repos = Repositories(db)
    return repos.users.by_name(name) + repos.fresh_users.by_name(name)
