from sqlalchemy import select, ForeignKey, String
from sqlalchemy.orm import selectinload, DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.ext.asyncio import AsyncSession


class Base(DeclarativeBase):
    pass


# Keyword arguments the relationships share: a module constant without `lazy`, so they load lazily.
common_args = {"order_by": "Address.id"}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    addresses: Mapped[list["Address"]] = relationship(back_populates="user", **common_args)


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")


async def emails_of(db: AsyncSession, user_id: int) -> list[str]:
    user = (await db.execute(select(User).options(selectinload(User.addresses)).where(User.id == user_id))).unique().scalar_one()
    return [a.email for a in user.addresses]


async def names(db: AsyncSession) -> list[str]:
    return [u.name for u in (await db.execute(select(User).order_by(User.id))).unique().scalars().all()]
