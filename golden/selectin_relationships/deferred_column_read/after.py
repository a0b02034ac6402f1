from pydantic import BaseModel, ConfigDict
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, deferred, mapped_column
from sqlalchemy.ext.asyncio import AsyncSession


class Base(DeclarativeBase):
    pass


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int] = deferred(mapped_column())
    address_count = column_property(
        select(func.count(Address.id)).where(Address.user_id == id).scalar_subquery(),  # type: ignore
    )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    address_count: int


async def user_summary(db: AsyncSession, user_id: int) -> dict:
    user = await db.get(User, user_id)
    # `name` read here, `address_count` by the schema; `age` is read nowhere: it stays deferred
    return {"name": user.name, **UserOut.model_validate(user).model_dump()}
