from functools import wraps
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


def lookup_age(session: Session, name: str) -> int | None:
    return session.scalar(select(User.age).where(User.name == name).order_by(User.id).limit(1))


def auto_init():
    """A decorator factory: its `wrapper` reads through the session it is handed, then calls the
    function it wraps with the same arguments."""

    def decorator(init):
        @wraps(init)
        def wrapper(self, *args, **kwargs):
            session = kwargs["session"]
            for key, value in kwargs.items():
                if key != "session":
                    setattr(self, key, value)
            self.age = lookup_age(session, kwargs["name"])
            return init(self, *args, **kwargs)

        return wrapper

    return decorator


class Entity:
    """What the repository is typed by: it has no `update` of its own."""


class Mixins:
    def update(self, *args, **kwargs):
        self.__init__(*args, **kwargs)


class Person(Entity, Mixins):
    @auto_init()
    def __init__(self, **_) -> None:
        pass


class Owner(Entity, Mixins):
    @auto_init()
    def update(self, session: Session, name: str, **kwargs) -> None:
        query = select(func.count(Address.id)).join(User).where(User.name == name)
        self.addresses = session.scalar(query)


E = TypeVar("E", bound=Entity)


class Repository(Generic[E]):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.entries: dict[str, E] = {}

    def add(self, key: str, entry: E) -> None:
        self.entries[key] = entry

    def _one(self, key: str) -> E:
        return self.entries[key]

    async def update(self, key: str, data: dict) -> tuple:
        entry = self._one(key)
        await self.session.run_sync(lambda sync_session: entry.update(session=sync_session, **data))
        users = await self.session.scalar(select(func.count()).select_from(User))
        return entry.name, entry.age, getattr(entry, "addresses", None), users


async def rename(db: AsyncSession, key: str, name: str) -> tuple:
    repo: Repository[Entity] = Repository(db)
    repo.add("person", await db.run_sync(lambda sync_session: Person(session=sync_session, name="bob")))
    repo.add("owner", Owner())
    return await repo.update(key, {"name": name})
