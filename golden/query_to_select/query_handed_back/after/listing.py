from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import Select, func, select


class Directory:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def _select_users(self, min_age: int, without_address: bool = False) -> Select:
        # built across branches and statements, handed back un-executed
        db = self.db
        if without_address:
            has_address = (
                select(Address.user_id, Address.id.label("address_id"))
                .where(Address.email.like("%@x.org"))
                .subquery()
            )
            q = select(User).outerjoin(has_address, User.id == has_address.c.user_id).where(
                has_address.c.address_id.is_(None)
            )
        else:
            q = select(User).outerjoin(User.addresses)
        q = q.where(User.age >= min_age)
        return q

    async def names(self, min_age: int, without_address: bool = False) -> list[str]:
        try:
            q = await self._select_users(min_age, without_address=without_address)
        except Exception:
            return []
        found = []
        for user in (await self.db.execute(q)).unique().scalars():
            found.append(user.name)
        return sorted(found)

    async def oldest(self, min_age: int):
        return (await self.db.execute((await self._select_users(min_age)).order_by(User.age.desc(), User.id).limit(1))).scalars().first()

    async def count(self, min_age: int) -> int:
        return await self.db.scalar(select(func.count()).select_from((await self._select_users(min_age, True)).subquery()))

    async def seniors(self):
        # hands back what another function hands back, built further
        return (await self._select_users(35)).order_by(User.id)


async def email_rows(db: AsyncSession, user_id: int):
    return select(Address.id, Address.email).where(Address.user_id == user_id)
