from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ids_named(self, name: str) -> list[int]:
        stmt = select(User.id).where(User.name == name).order_by(User.id)
        return list((await self.session.execute(stmt)).scalars())


class BaseController:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def users(self) -> UserRepository:
        return UserRepository(self.session)
