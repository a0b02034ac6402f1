from functools import wraps

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def lookup_age(session: Session, name: str) -> int | None:
    return session.scalar(select(User.age).where(User.name == name))


def auto_init():
    """A decorator factory: the `wrapper` it returns becomes the class's `__init__`."""

    def decorator(init):
        @wraps(init)
        def wrapper(self, *args, **kwargs):
            session = kwargs.pop("session", None)
            for key, value in kwargs.items():
                setattr(self, key, value)
            if session is not None and "age" not in kwargs:
                self.age = lookup_age(session, kwargs["name"])
            init(self, *args, **kwargs)

        return wrapper

    return decorator


class Person:
    @auto_init()
    def __init__(self, **_) -> None:
        pass


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def make_person(db: Session, name: str, age: int) -> dict:
    person = Person(name=name, age=age)
    return {"name": person.name, "age": person.age, "users": count_users(db)}
