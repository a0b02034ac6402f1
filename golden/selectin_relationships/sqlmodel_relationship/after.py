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

    user: User | None = Relationship(
        back_populates="addresses",
        sa_relationship_kwargs={"viewonly": False, "lazy": "selectin"},
    )


async def owner_of(db: AsyncSession, address_id: int) -> str:
    # Objects kept in a dict: the plan cannot follow them back to their query, so Address.user
    # loads with its parent (the fallback).
    by_id = {a.id: a for a in (await db.execute(select(Address))).scalars().all()}
    return by_id[address_id].user.name
