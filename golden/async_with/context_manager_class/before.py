from abc import ABC, abstractmethod

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class Repo:
    def __init__(self, session: Session):
        self.session = session

    def add(self, name: str) -> User:
        user = User(name=name, age=30)
        self.session.add(user)
        self.session.flush()
        return user

    def delete(self, user: User) -> None:
        self.session.delete(user)
        self.session.flush()

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(User))


class Seeding(ABC):
    def __init__(self, repo: Repo):
        self.repo = repo
        self.items: list[User] = []

    @abstractmethod
    def seed(self, name: str) -> int: ...

    @abstractmethod
    def cleanup(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.cleanup()


class UserSeeding(Seeding):
    def seed(self, name: str) -> int:
        user = self.repo.add(name)
        self.items.append(user)
        return user.id

    def cleanup(self) -> None:
        for user in self.items:
            self.repo.delete(user)


def _seed_with(seeding_type: type[Seeding], session: Session, names: list[str], fail: bool) -> int:
    repo = Repo(session)
    seeding = seeding_type(repo)
    with seeding:
        for name in names:
            seeding.seed(name)
        during = repo.count()
        if fail:
            raise ValueError(during)
    return during


def seeded_count(session: Session, names: list[str], fail: bool = False) -> tuple[int, int]:
    during = _seed_with(UserSeeding, session, names, fail)
    return during, Repo(session).count()


def entered_as(session: Session, name: str) -> tuple[int, int]:
    repo = Repo(session)
    with UserSeeding(repo) as seeding:
        seeding.seed(name)
        during = repo.count()
    return during, repo.count()
