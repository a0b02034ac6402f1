from functools import cached_property

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_name(self, name: str) -> list[int]:
        stmt = select(User.id).where(User.name == name).order_by(User.id)
        return list((await self.session.execute(stmt)).scalars())


class Repositories:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.session)

    @property
    def fresh_users(self):
        return UserRepository(self.session)


async def ids_named(db: AsyncSession, name: str) -> list[int]:
    # The repository comes through properties: the plan follows what their getters return.
    repos = Repositories(db)
    return await repos.users.by_name(name) + await repos.fresh_users.by_name(name)
