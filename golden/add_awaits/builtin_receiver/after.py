"""A method called on a receiver whose class the plan cannot tell is awaited if it returns a
coroutine, but not on a receiver that provably holds a builtin (a dict literal, a ``dict[...]``
parameter, ``**kwargs``, a string literal): its ``update``/``items``/``get`` are the builtin's,
even where a project class's method of that name is made async."""

from sqlalchemy import select
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

    async def get(self, name):
        return await self.db.scalar(select(User.age).where(User.name == name))

    async def update(self, name, age):
        user = await self.db.scalar(select(User).where(User.name == name))
        if user is None:
            return None
        user.age = age
        await self.db.flush()
        return user.age

    async def items(self):
        return list(await self.db.scalars(select(User.name).order_by(User.id)))


SHELF = {"bob": 1}


class Folder:
    def get(self, name):
        return SHELF.get(name)

    def update(self, name, age):
        SHELF[name] = age
        return age

    def items(self):
        return sorted(SHELF.items())


def pick(kind, db):
    return Accounts(db) if kind == "accounts" else Folder()


async def merge_ages(db: AsyncSession, name: str, changes: dict[str, int], accounts: bool, **extra):
    target = pick("accounts" if accounts else "folder", db)
    data = {name: 50}
    data.update(changes)
    extra.update(data)
    label = "-".join(sorted(extra)).title()
    saved = [await _await_if_coroutine(target.update(key, age)) for key, age in sorted(extra.items())]
    found = await _await_if_coroutine(target.get(name))
    await db.commit()
    return label, saved, found, data.get(name), sorted(data.items())
