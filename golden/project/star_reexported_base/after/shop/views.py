from sqlalchemy.ext.asyncio import AsyncSession

from .base import BaseController


class UserView(BaseController):
    # The base comes through the package's ``from .controllers import *``: still that class.
    async def ids(self, name: str) -> list[int]:
        return await self.users.ids_named(name)


async def ids(db: AsyncSession, name: str) -> list[int]:
    return await UserView(db).ids(name)
