from abc import ABC, abstractmethod

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Repo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, name: str) -> User:
        user = User(name=name, age=30)
        self.session.add(user)
        await self.session.flush()
        return user

    async def delete(self, user: User) -> None:
        await self.session.delete(user)
        await self.session.flush()

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(User))


class Seeding(ABC):
    def __init__(self, repo: Repo):
        self.repo = repo
        self.items: list[User] = []

    @abstractmethod
    async def seed(self, name: str) -> int: ...

    @abstractmethod
    async def cleanup(self) -> None: ...

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        await self.cleanup()


class UserSeeding(Seeding):
    async def seed(self, name: str) -> int:
        user = await self.repo.add(name)
        self.items.append(user)
        return user.id

    async def cleanup(self) -> None:
        for user in self.items:
            await self.repo.delete(user)


async def _seed_with(seeding_type: type[Seeding], session: AsyncSession, names: list[str], fail: bool) -> int:
    repo = Repo(session)
    seeding = seeding_type(repo)
    async with seeding:
        for name in names:
            await seeding.seed(name)
        during = await repo.count()
        if fail:
            raise ValueError(during)
    return during


async def seeded_count(session: AsyncSession, names: list[str], fail: bool = False) -> tuple[int, int]:
    during = await _seed_with(UserSeeding, session, names, fail)
    return during, await Repo(session).count()


async def entered_as(session: AsyncSession, name: str) -> tuple[int, int]:
    repo = Repo(session)
    async with UserSeeding(repo) as seeding:
        await seeding.seed(name)
        during = await repo.count()
    return during, await repo.count()
