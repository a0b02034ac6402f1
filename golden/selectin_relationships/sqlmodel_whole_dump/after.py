from fastapi.encoders import jsonable_encoder
from sqlmodel import Field, Relationship, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    age: int

    addresses: list["Address"] = Relationship(back_populates="user")


class Address(SQLModel, table=True):
    __tablename__ = "addresses"
    id: int | None = Field(default=None, primary_key=True)
    email: str
    user_id: int | None = Field(default=None, foreign_key="users.id")

    user: User | None = Relationship(back_populates="addresses")


async def user_as_json(db: AsyncSession, user_id: int) -> dict:
    # A whole dump of a SQLModel model gives its fields, and a Relationship is none of them.
    user = await db.get(User, user_id)
    return jsonable_encoder(user)


async def address_as_json(db: AsyncSession, address_id: int) -> dict:
    address = (
        await db.execute(select(Address).where(Address.id == address_id))
    ).scalar_one()
    return jsonable_encoder(address)
