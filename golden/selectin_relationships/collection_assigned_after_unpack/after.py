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
    addresses: Mapped[list["Address"]] = relationship(cascade="all, delete-orphan", order_by="Address.id", lazy="selectin")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


async def replace_addresses(db: AsyncSession, name: str, emails: list[str]) -> int:
    user = None
    if name:
        # Unpacked from `row or (None, None)`: the plan cannot follow `user` to its query.
        user, _ = (await db.execute(select(User, Address).join(Address).where(User.name == name).order_by(Address.id).limit(1))).first() or (
            None,
            None,
        )
    if user is None:
        return 0
    # Assigning a collection loads the old one first (to know what it replaces): a lazy load.
    user.addresses = [Address(email=e) for e in emails]
    await db.flush()
    return user.id
