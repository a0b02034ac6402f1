from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

T = TypeVar("T")


class Repository(Generic[T]):
    def __init__(self, session: AsyncSession, model: type[T]) -> None:
        self.session = session
        self.model = model

    async def names(self) -> list[str]:
        stmt = select(User.name).order_by(User.id)
        return list((await self.session.execute(stmt)).scalars())


class Handler(Generic[T]):
    def __init__(self, repo: Repository[T]) -> None:
        self.repo = repo

    async def first_names(self, count: int) -> list[str]:
        return (await self.repo.names())[:count]


class Controller:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def handler(self):
        return Handler[User](Repository[User](self.session, User))

    async def first_names(self, count: int) -> list[str]:
        # The handler is a generic class instantiated with a type argument: still that class.
        return await self.handler.first_names(count)


async def first_names(db: AsyncSession, count: int) -> list[str]:
    return await Controller(db).first_names(count)


async def all_names(db: AsyncSession) -> list[str]:
    return await Repository[User](db, User).names()
