from typing import Any, Generic, Type, TypeVar

from sqlalchemy.ext.declarative import DeclarativeMeta as ModelClass
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, Base, User
from sqlalchemy import delete, func, select

ModelType = TypeVar("ModelType", bound=Base)


class CRUDBase(Generic[ModelType]):
    def __init__(self, db: AsyncSession, model: Type[ModelType]):
        self.db = db
        self.model = model

    async def get(self, id: Any):
        return await self.db.get(self.model, id)

    async def page(self, skip: int, limit: int):
        return (
            (
                await self.db.execute(
                    select(self.model).order_by(self.model.id).offset(skip).limit(limit)
                )
            )
            .unique()
            .scalars()
            .all()
        )

    async def count(self) -> int:
        return await self.db.scalar(
            select(func.count()).select_from(select(self.model).subquery())
        )

    async def remove_all(self) -> int:
        return (await self.db.execute(delete(self.model))).rowcount


class UserCRUD(CRUDBase[User]):
    def __init__(self, db: AsyncSession):
        super().__init__(db, User)


class Router:
    def __init__(self, db: AsyncSession, db_model: ModelClass):
        self.db = db
        self.db_model = db_model

    def _lister(self):
        async def route(limit: int):
            return (
                (
                    await self.db.execute(
                        select(self.db_model).order_by(self.db_model.id).limit(limit)
                    )
                )
                .unique()
                .scalars()
                .all()
            )

        return route

    async def first(self, limit: int):
        return await self._lister()(limit)


class AddressRouter(Router):
    def __init__(self, db: AsyncSession):
        super().__init__(db, Address)


class Factory:
    def __init__(self, db: AsyncSession, model):
        self.db = db
        self.model = model

    async def create(self, name: str, age: int):
        self.db.add(self.model(name=name, age=age))
        await self.db.flush()
        return [
            o.id
            for o in (await self.db.execute(select(self.model).order_by(self.model.id)))
            .unique()
            .scalars()
            .all()
        ]


class UserFactory(Factory):
    def __init__(self, db: AsyncSession):
        super().__init__(db, User)


async def count_rows(db: AsyncSession, model: "type[Base]") -> int:
    return await db.scalar(
        select(func.count()).select_from(select(model).where(model.id > 1).subquery())
    )


async def address_rows(db: AsyncSession) -> int:
    return await count_rows(db, Address)


def rows_of(db: Session, what):
    return db.query(what).all()


async def number_of(db: AsyncSession, what) -> int:
    return await db.scalar(select(func.count()).select_from(select(what).subquery()))


async def users_counted(db: AsyncSession) -> int:
    return await number_of(db, User.id)
