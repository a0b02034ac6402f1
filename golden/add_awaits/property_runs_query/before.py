from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class UserRepository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def get(self, user_id: int) -> User | None:
        return self.db.get(User, user_id)

    def list_all(self) -> list[User]:
        return list(self.db.scalars(select(User).order_by(User.id)))


class Profile:
    def __init__(self, db: Session) -> None:
        self.repo = UserRepository(db)
        self.user_id = 1
        self._by_name: dict[str, User] | None = None

    @property
    def user(self) -> User | None:
        return self.repo.get(self.user_id)

    @property
    def by_name(self) -> dict[str, User]:
        if self._by_name is None:
            self._by_name = {u.name: u for u in self.repo.list_all()}
        return self._by_name

    def name(self) -> str:
        return self.user.name

    def rename(self, name: str) -> str:
        self.user.name = name
        self.repo.db.flush()
        return self.user.name

    def ages(self) -> int:
        return sum(self.user.age for _ in range(3))

    def age_of(self, name: str) -> int:
        found = self.by_name.get(name)
        return found.age if found else -1

    def lookups(self) -> int:
        self.by_name
        self.by_name
        return len(self.by_name)


def describe(profile: Profile) -> str:
    return f"{profile.user.name} ({profile.user.age})"
