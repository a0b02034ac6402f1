from functools import cached_property
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

T = TypeVar("T")


class Repository(Generic[T]):
    def __init__(self, db: AsyncSession, model: type[T]) -> None:
        self.db = db
        self.model = model

    async def get(self, key: int) -> T | None:
        return await self.db.get(self.model, key)


class Names:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    @cached_property
    def users(self):
        return Repository[User](self.db, User)

    async def name(self, key: int) -> str:
        user = await self.users.get(key)
        return user.name if user else ""

    async def first(self) -> str:
        repository = Repository[User](self.db, User)
        return (await repository.get(1)).name
