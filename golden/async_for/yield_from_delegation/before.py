from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


def _names_of_age(db: Session, age: int):
    stmt = select(User).where(User.age == age).order_by(User.id)
    for user in db.execute(stmt).scalars():
        yield user.name


def names_of_ages(db: Session, first: int, second: int):
    # Delegates to the helper twice: its items, in order.
    yield from _names_of_age(db, first)
    yield from _names_of_age(db, second)


def collected(db: Session, first: int, second: int) -> list[str]:
    names = []
    for name in names_of_ages(db, first, second):
        names.append(name)
    return names
