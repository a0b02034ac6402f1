from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ForeignKey, String
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
    """One repository class for every model: it hands out schemas, never the mapped objects."""

    def __init__(self, session: AsyncSession, model: type[ModelT], schema: type[SchemaT]) -> None:
        self.session = session
        self.model = model
        self.schema = schema

    async def get_one(self, id: int) -> SchemaT:
        document = await self.session.get(self.model, id)
        return await self.session.run_sync(lambda _: self.schema.model_validate(document))


class AddressRepository(Repository[AddressOut, Address]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, Address, AddressOut)


async def owner_name(session: AsyncSession, address_id: int) -> str:
    # `address` is an AddressOut: its `user` is a field validated from the relationship, not a load.
    address = await AddressRepository(session).get_one(address_id)
    return address.user.name
