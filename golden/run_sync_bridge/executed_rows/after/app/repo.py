from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Base, User

M = TypeVar("M", bound=Base)


class Repository(Generic[M]):
    def __init__(self, session: AsyncSession, model: type[M]) -> None:
        self.session = session
        self.model = model

    def _query(self):
        query = select(self.model)
        return query.order_by(self.model.id)

    async def create(self, **data) -> tuple:
        row = await self.session.run_sync(lambda sync_session: self.model(session=sync_session, **data))
        self.session.add(row)
        await self.session.commit()
        return row.id, row.name, row.seen

    async def update_many(self, ids: list[int], name: str) -> list[tuple]:
        stmt = self._query().where(self.model.id.in_(ids))
        rows = (await self.session.execute(stmt)).unique().scalars().all()
        for row in rows:
            await self.session.run_sync(lambda sync_session: row.update(session=sync_session, name=name))
        await self.session.commit()
        return [(row.id, row.name, row.seen) for row in rows]

    async def update_first(self, name: str) -> tuple:
        row = (await self.session.scalars(self._query())).first()
        await self.session.run_sync(lambda sync_session: row.update(session=sync_session, name=name))
        await self.session.commit()
        return row.id, row.name, row.seen

    async def update_older(self, age: int, name: str) -> list:
        stmt = select(User).where(User.age > age)
        updated = [await self.session.run_sync(lambda sync_session: row.update(session=sync_session, name=name)) for row in await self.session.scalars(stmt)]
        await self.session.commit()
        return updated


async def rename_many(db: AsyncSession, ids: list[int], name: str) -> list[tuple]:
    return await Repository(db, User).update_many(ids, name)


async def rename_first(db: AsyncSession, name: str) -> tuple:
    return await Repository(db, User).update_first(name)


async def rename_older(db: AsyncSession, age: int, name: str) -> list:
    return await Repository(db, User).update_older(age, name)


async def create_user(db: AsyncSession, name: str) -> tuple:
    return await Repository(db, User).create(id=5, name=name, age=20)
