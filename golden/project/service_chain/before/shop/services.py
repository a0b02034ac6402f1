from sqlalchemy.orm import Session

from . import repo
from .repo import find_by_name


class UserService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def names(self, name: str) -> list[int]:
        return [u.id for u in repo.find_by_name(self.db, name)]

    def rename_all(self, name: str, new: str) -> list[int]:
        for user in find_by_name(self.db, name):
            user.name = new
        self.db.flush()
        return self.names(new)

    @property
    def alice_count(self) -> int:
        return len(self.names("alice"))
