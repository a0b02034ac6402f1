from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
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


def touch_owner(session: Session, target: Address) -> None:
    owner = session.query(User).filter(User.id == target.user_id).first()
    if owner is None:
        return
    owner.age = owner.age + 1


@event.listens_for(Address, "after_insert")
def on_new_address(_mapper, connection: Connection, target: Address) -> None:
    session = Session(bind=connection)
    touch_owner(session, target)
    session.commit()


async def add_address(db: AsyncSession, user_id: int, email: str) -> int:
    db.add(Address(email=email, user_id=user_id))
    await db.commit()
    return (
        await db.scalars(
            select(User.age)
            .execution_options(populate_existing=True)
            .where(User.id == user_id)
        )
    ).one()


async def birthday_of_owner(db: AsyncSession, address_id: int) -> int:
    address = await db.get(Address, address_id)
    await db.run_sync(touch_owner, address)
    await db.commit()
    return (
        await db.scalars(
            select(User.age)
            .execution_options(populate_existing=True)
            .where(User.id == address.user_id)
        )
    ).one()
