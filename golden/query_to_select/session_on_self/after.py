from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import func, select


class UserRepository:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def by_name(self, name: str):
        return (
            (
                await self.db.execute(
                    select(User).where(User.name == name).order_by(User.id)
                )
            )
            .unique()
            .scalars()
            .all()
        )

    async def email_count(self, user_id: int):
        return await self.db.scalar(
            select(func.count()).select_from(
                select(Address).where(Address.user_id == user_id).subquery()
            )
        )

    async def newest(self):
        return (
            (await self.db.execute(select(User).order_by(User.id.desc()).limit(1)))
            .scalars()
            .first()
        )
