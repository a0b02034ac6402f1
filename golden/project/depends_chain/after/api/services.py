from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class UserService:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def names(self) -> list[str]:
        return list(await self.db.scalars(select(User.name).order_by(User.id)))
