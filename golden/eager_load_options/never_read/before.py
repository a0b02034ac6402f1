from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    addresses: Mapped[list["Address"]] = relationship(back_populates="user")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")


class Mailbox:
    """Not a mapped class: its ``addresses`` is no relationship."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses


def names(db: Session) -> list[str]:
    return [u.name for u in db.query(User).order_by(User.id).all()]


def emails_of(db: Session, user_id: int) -> list[str]:
    return [a.email for a in db.query(Address).filter(Address.user_id == user_id).all()]


def mailbox_size(box: Mailbox) -> int:
    return len(box.addresses)
