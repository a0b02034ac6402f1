"""Values taken out of a typed container are its elements: a check handed a ``tuple[Users, User]``
(a repository and a model, as a fixture hands a test) calls the repository's methods made async
through an index, unpacking, a loop over a ``Sequence[Users]`` and ``random.choice``. Each call is
awaited and the check becomes async, as do the functions calling it."""

import random
from collections.abc import Sequence

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


async def check_indexed(pair: tuple[Users, User]) -> list:
    users = pair[0]
    user = pair[-1]
    copy = await users.add(user.name + "-copy", user.age + 1)
    return [copy.name, copy.age, await users.count()]


async def check_unpacked(pair: tuple[Users, User]) -> list:
    users, user = pair
    return [(await users.add(user.name, 30)).age, await users.count()]


async def check_each(all_users: Sequence[Users]) -> list:
    counts = []
    for users in all_users:
        counts.append(await users.count())
    return counts


async def check_chosen(same: tuple[Users, Users]) -> int:
    users = random.choice(same)
    return await users.count()


async def run_indexed(db: AsyncSession) -> list:
    users = Users(db)
    return await check_indexed((users, await db.get(User, 2)))


async def run_unpacked(db: AsyncSession) -> list:
    users = Users(db)
    return await check_unpacked((users, await db.get(User, 3)))


async def run_each(db: AsyncSession) -> list:
    return await check_each([Users(db), Users(db)])


async def run_chosen(db: AsyncSession) -> int:
    users = Users(db)
    return await check_chosen((users, users))
