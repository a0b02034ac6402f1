"""A method called on a receiver whose class the plan cannot tell is awaited if it returns a
coroutine only while a class whose method of that name is made async has every method the code
calls on that receiver: where it lacks one, the receiver holds something else."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def _await_if_coroutine(value):
    """Await value if it is a coroutine (of a function made async, handed here
    as a value), else return it as it is (what a sync function handed the same
    way returned). Added by asyncify.
    """
    import inspect

    if inspect.iscoroutine(value):
        return await value
    return value


class Accounts:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def create(self, name):
        self.db.add(User(name=name, age=30))
        await self.db.flush()
        return await self.db.scalar(select(func.count(User.id)))


class Folder:
    def __init__(self):
        self.items = []

    def create(self, name):
        self.items.append(name)
        return len(self.items)

    def describe(self):
        return ",".join(self.items)


class Shelf(Folder):
    pass


def pick(kind, db):
    return Accounts(db) if kind == "accounts" else Shelf() if kind == "shelf" else Folder()


async def fill(db: AsyncSession, name: str, shelf: bool):
    store = pick("shelf" if shelf else "folder", db)
    created = store.create(name)
    await db.commit()
    return created, store.describe()


async def create_any(db: AsyncSession, name: str, accounts: bool):
    target = pick("accounts" if accounts else "folder", db)
    created = await _await_if_coroutine(target.create(name))
    await db.commit()
    return created
