from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ids_named(self, name: str) -> list[int]:
        stmt = select(User.id).where(User.name == name).order_by(User.id)
        return list(self.session.execute(stmt).scalars())


class BaseController:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def users(self) -> UserRepository:
        return UserRepository(self.session)
