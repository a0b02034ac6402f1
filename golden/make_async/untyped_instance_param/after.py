"""A helper whose parameter has no type, handed the same project object by every caller: its calls
on that parameter are the object's methods, made async with them and awaited."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Users:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, name: str, age: int) -> User:
        user = User(name=name, age=age)
        self.db.add(user)
        await self.db.flush()
        return user

    async def count(self) -> int:
        return await self.db.scalar(select(func.count()).select_from(User))


async def add_pair(users, name):
    first = await users.add(name, 20)
    second = await users.add(name, 21)
    return [first.id, second.id, await users.count()]


async def add_named(db: AsyncSession, name: str):
    users = Users(db)
    return await add_pair(users, name)


async def add_twice(db: AsyncSession, name: str):
    repo: Users = Users(db)
    return await add_pair(repo, name) + await add_pair(users=repo, name=name)


def describe(thing, label):
    return f"{label}: {thing}"


async def describe_count(db: AsyncSession):
    return describe(await Users(db).count(), "users") + describe("none", 0)
