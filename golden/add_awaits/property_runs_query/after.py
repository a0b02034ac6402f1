from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class UserRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return await self.db.get(User, user_id)

    async def list_all(self) -> list[User]:
        return list(await self.db.scalars(select(User).order_by(User.id)))


class Profile:
    def __init__(self, db: AsyncSession) -> None:
        self.repo = UserRepository(db)
        self.user_id = 1
        self._by_name: dict[str, User] | None = None

    @property
    async def user(self) -> User | None:
        return await self.repo.get(self.user_id)

    @property
    async def by_name(self) -> dict[str, User]:
        if self._by_name is None:
            self._by_name = {u.name: u for u in await self.repo.list_all()}
        return self._by_name

    async def name(self) -> str:
        return (await self.user).name

    async def rename(self, name: str) -> str:
        (await self.user).name = name
        await self.repo.db.flush()
        return (await self.user).name

    async def ages(self) -> int:
        return sum([(await self.user).age for _ in range(3)])

    async def age_of(self, name: str) -> int:
        found = (await self.by_name).get(name)
        return found.age if found else -1

    async def lookups(self) -> int:
        await self.by_name
        await self.by_name
        return len(await self.by_name)


async def describe(profile: Profile) -> str:
    return f"{(await profile.user).name} ({(await profile.user).age})"
