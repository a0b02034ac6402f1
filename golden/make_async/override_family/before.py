from sqlalchemy.orm import Session

from golden_models import User


class Repository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def rename(self, user_id: int, name: str) -> str:
        user = self.db.get(User, user_id)
        user.name = name
        self.db.flush()
        return user.name


class TitledRepository(Repository):
    def rename(self, user_id: int, name: str) -> str:
        return super().rename(user_id, name.title())


class ReadOnlyRepository(Repository):
    def rename(self, user_id: int, name: str) -> str:
        raise PermissionError("read only")


def rename_all(db: Session, repository: Repository, name: str) -> list[str]:
    return [repository.rename(user_id, name) for user_id in (1, 2)]
