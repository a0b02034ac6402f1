from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


class UserRepo:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return (await self.db.execute(select(User).where(User.id == user_id).limit(1))).scalars().first()

    def older_than(self, age: int):
        # a lazy query handed back: callers iterate it, filter it further, count it
        return self.db.sync_session.query(User).filter(User.age > age).order_by(User.id)

    async def emails(self, user_id: int):
        query = select(Address.id, Address.email).where(Address.user_id == user_id)
        return query.order_by(Address.id.desc())
