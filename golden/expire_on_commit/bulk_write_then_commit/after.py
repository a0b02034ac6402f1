from sqlalchemy import select, update, delete
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Users:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def set_age(self, user_id: int, age: int) -> None:
        await self.db.execute(
            update(User).where(User.id == user_id).values({"age": age}).execution_options(synchronize_session="fetch")
        )
        await self.db.commit()

    async def rename_older(self, age: int, name: str) -> int:
        count = (await self.db.execute(update(User).where(User.age > age).values({"name": name}).execution_options(synchronize_session="fetch"))).rowcount
        await self.db.commit()
        return count

    async def drop_older(self, age: int) -> None:
        await self.db.execute(delete(User).where(User.age > age).execution_options(synchronize_session="fetch"))
        await self.db.commit()

    async def birthday(self, user_id: int) -> tuple[int, int]:
        user = await self.db.get(User, user_id)
        before = user.age
        await self.set_age(user_id, before + 1)
        return before, user.age

    async def rename_and_read(self, age: int, name: str) -> tuple[int, list[tuple[str, int]]]:
        users = (await self.db.execute(select(User).order_by(User.id))).unique().scalars().all()
        count = await self.rename_older(age, name)
        return count, [(u.name, u.age) for u in users]

    async def drop_then_get(self, age: int, user_id: int) -> int | None:
        await self.db.get(User, user_id)
        await self.drop_older(age)
        user = await self.db.get(User, user_id, populate_existing=True)
        return None if user is None else user.age
