"""The models and seed data every executable golden case runs against (rules §0's data set).

users: (1 alice 30), (2 bob 25), (3 carol 30), (4 alice 40); addresses: (1→u1), (2→u1), (3→u2),
(4→u4). User 1 has two addresses, user 3 none, and two users are named "alice".
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(AsyncAttrs, DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    addresses: Mapped[list["Address"]] = relationship(back_populates="user", order_by="Address.id")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")


def seed(session: Session) -> None:
    session.add_all(
        [
            User(id=1, name="alice", age=30),
            User(id=2, name="bob", age=25),
            User(id=3, name="carol", age=30),
            User(id=4, name="alice", age=40),
            Address(id=1, email="a1@x.org", user_id=1),
            Address(id=2, email="a2@x.org", user_id=1),
            Address(id=3, email="b1@x.org", user_id=2),
            Address(id=4, email="a4@x.org", user_id=4),
        ]
    )
    session.commit()
