from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.ext.asyncio import AsyncSession


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]

    # Keyword arguments shared by relationships: a literal with no `lazy`, so they load lazily.
    common_args = {"back_populates": "owner", "order_by": "Mail.id"}
    mails: Mapped[list["Mail"]] = relationship("Mail", **common_args, lazy="selectin")


class Mail(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[Person] = relationship(back_populates="mails")


def emails(person) -> list[str]:
    return [mail.email for mail in person.mails]


async def mails_of(db: AsyncSession, person_id: int) -> list[str]:
    return emails(await db.get(Person, person_id))
