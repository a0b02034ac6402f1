from sqlalchemy.ext.asyncio import AsyncSession

from . import repo
from .repo import find_by_name


class UserService:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def names(self, name: str) -> list[int]:
        return [u.id for u in await repo.find_by_name(self.db, name)]

    async def rename_all(self, name: str, new: str) -> list[int]:
        for user in await find_by_name(self.db, name):
            user.name = new
        await self.db.flush()
        return await self.names(new)

    @property
    async def alice_count(self) -> int:
        return len(await self.names("alice"))
