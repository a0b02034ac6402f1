from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Repo:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def count(self) -> int:
        return await self.db.scalar(select(func.count()).select_from(User))


def label(repo) -> str:
    return type(repo).__name__.lower()


async def summary(db: AsyncSession) -> str:
    repo = Repo(db)
    return f"{label(repo)}: {await repo.count()} users"


def title() -> str:
    return label("users").title()
