from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.ext.asyncio import AsyncSession


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship()


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str


class AddressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    user: UserOut


SchemaT = TypeVar("SchemaT", bound=BaseModel)
ModelT = TypeVar("ModelT", bound=Base)


class Repository(Generic[SchemaT, ModelT]):
    """One repository class for every model: the schema is a value, not a name."""

    def __init__(self, session: AsyncSession, model: type[ModelT], schema: type[SchemaT]) -> None:
        self.session = session
        self.model = model
        self.schema = schema

    async def create(self, data: dict[str, Any]) -> SchemaT:
        document = self.model(**data)
        self.session.add(document)
        await self.session.commit()
        await self.session.refresh(document)
        return await self.session.run_sync(lambda _: self.schema.model_validate(document))

    async def get_many(self, ids: list[int]) -> list[SchemaT]:
        documents = (await self.session.execute(select(self.model).where(self.model.id.in_(ids)).order_by(self.model.id))).unique().scalars().all()
        return [await self.session.run_sync(lambda _: self.schema.model_validate(d)) for d in documents]


class AddressRepository(Repository[AddressOut, Address]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, Address, AddressOut)
