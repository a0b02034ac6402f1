from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


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


def emails_of(db: Session, user_id: int) -> list[str]:
    user = db.query(User).filter(User.id == user_id).one()
    return [a.email for a in user.addresses]


def names(db: Session) -> list[str]:
    return [u.name for u in db.query(User).order_by(User.id).all()]
