from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]

    # Keyword arguments shared by relationships: a literal with no `lazy`, so they load lazily.
    common_args = {"back_populates": "owner", "order_by": "Mail.id"}
    mails: Mapped[list["Mail"]] = relationship("Mail", **common_args)


class Mail(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[Person] = relationship(back_populates="mails")


def emails(person) -> list[str]:
    return [mail.email for mail in person.mails]


def mails_of(db: Session, person_id: int) -> list[str]:
    return emails(db.get(Person, person_id))
