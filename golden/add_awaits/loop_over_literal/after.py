from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Users:
    def __init__(self, db: AsyncSession, min_age: int) -> None:
        self.db = db
        self.min_age = min_age

    async def names(self) -> list[str]:
        query = select(User.name).where(User.age >= self.min_age).order_by(User.id)
        return list(await self.db.scalars(query))

    async def rename(self, user_id: int, name: str) -> None:
        user = await self.db.get(User, user_id)
        user.name = name
        await self.db.flush()


async def names_by_label(db: AsyncSession) -> dict[str, list[str]]:
    found = {}
    for label, users in [("all", Users(db, 0)), ("over 30", Users(db, 31))]:
        found[label] = await users.names()
    return found


async def rename_twice(db: AsyncSession) -> list[str]:
    everyone = Users(db, 0)
    older = Users(db, 35)
    for users, user_id in ((everyone, 2), (older, 3)):
        await users.rename(user_id, f"renamed {user_id}")
    return [name for users in [everyone, older] for name in await users.names()]
