from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


def _cached_async_property(getter):
    """functools.cached_property for an async getter: `await obj.name` awaits the getter
    once per instance and keeps its value in the instance's __dict__; assigning the
    attribute sets the value, deleting it forgets it. Added by asyncify.
    """
    name = getter.__name__

    async def read(self):
        if name not in self.__dict__:
            value = await getter(self)
            # two reads awaiting at once keep the first value, as one read would
            self.__dict__.setdefault(name, value)
        return self.__dict__[name]

    def assign(self, value):
        self.__dict__[name] = value

    def forget(self):
        if self.__dict__.pop(name, read) is read:
            raise AttributeError(name)

    return property(read, assign, forget, getter.__doc__)


class UserRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return await self.db.get(User, user_id)

    async def count(self) -> int:
        return await self.db.scalar(select(func.count()).select_from(User))


class Greeter:
    def __init__(self, user: User | None, total: int) -> None:
        self.user = user
        self.total = total

    def greet(self) -> str:
        return f"hello {self.user.name} (1 of {self.total})"


class Controller:
    def __init__(self, db: AsyncSession) -> None:
        self.repo = UserRepository(db)
        self.user_id = 1

    @property
    async def user(self) -> User | None:
        return await self.repo.get(self.user_id)

    @_cached_async_property
    async def greeter(self) -> Greeter:
        return Greeter(await self.user, await self.repo.count())

    @cached_property
    def label(self) -> str:
        return "controller"

    async def greet_twice(self) -> list[str]:
        return [(await self.greeter).greet(), (await self.greeter).greet()]

    async def kept_after_insert(self) -> tuple[int, int]:
        before = (await self.greeter).total
        self.repo.db.add(User(id=9, name="dan", age=50))
        await self.repo.db.flush()
        return before, (await self.greeter).total

    async def forgotten_after_delete(self) -> tuple[int, int]:
        before = (await self.greeter).total
        self.repo.db.add(User(id=9, name="dan", age=50))
        await self.repo.db.flush()
        del self.greeter
        return before, (await self.greeter).total

    async def assigned(self) -> str:
        self.greeter = Greeter(None, 0)
        return f"{(await self.greeter).total} {self.label}"

    def delete_unread(self) -> None:
        del self.greeter
