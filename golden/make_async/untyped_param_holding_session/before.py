from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class Repo:
    def __init__(self, db: Session) -> None:
        self.db = db

    def count(self) -> int:
        return self.db.scalar(select(func.count()).select_from(User))


def label(repo) -> str:
    return type(repo).__name__.lower()


def summary(db: Session) -> str:
    repo = Repo(db)
    return f"{label(repo)}: {repo.count()} users"


def title() -> str:
    return label("users").title()
