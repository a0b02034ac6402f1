from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Repository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def rename(self, user_id: int, name: str) -> str:
        user = await self.db.get(User, user_id)
        user.name = name
        await self.db.flush()
        return user.name


class TitledRepository(Repository):
    async def rename(self, user_id: int, name: str) -> str:
        return await super().rename(user_id, name.title())


class ReadOnlyRepository(Repository):
    async def rename(self, user_id: int, name: str) -> str:
        raise PermissionError("read only")


async def rename_all(db: AsyncSession, repository: Repository, name: str) -> list[str]:
    return [await repository.rename(user_id, name) for user_id in (1, 2)]
