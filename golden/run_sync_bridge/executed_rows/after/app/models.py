from functools import wraps

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


def count_rows(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def auto_init():
    """A decorator factory: its `wrapper` sets the values it is handed, then reads through the
    session it is handed (the rows of the instance's table) before calling the function it wraps."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            session = kwargs["session"]
            for key, value in kwargs.items():
                if key != "session":
                    setattr(self, key, value)
            self.seen = count_rows(session, type(self))
            return method(self, *args, **kwargs)

        return wrapper

    return decorator


class Base(DeclarativeBase):
    """What the repository is typed by: it has no `update` of its own."""


class BaseMixins:
    def update(self, *args, **kwargs) -> None:
        self.__init__(*args, **kwargs)


class User(Base, BaseMixins):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]

    @auto_init()
    def __init__(self, **_) -> None:
        pass


class Address(Base, BaseMixins):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    @auto_init()
    def update(self, session: Session, **_) -> None:
        self.owners = session.scalar(select(func.count(User.id)).where(User.id == self.user_id))
