from sqlalchemy.orm import Session

from .base import BaseController


class UserView(BaseController):
    # The base comes through the package's ``from .controllers import *``: still that class.
    def ids(self, name: str) -> list[int]:
        return self.users.ids_named(name)


def ids(db: Session, name: str) -> list[int]:
    return UserView(db).ids(name)
