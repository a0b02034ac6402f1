from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


def names_of_age(db: Session, age: int):
    stmt = select(User).where(User.age == age).order_by(User.id)
    for user in db.execute(stmt).scalars():
        yield user.name


def collected(db: Session, age: int) -> list[str]:
    names = []
    for name in names_of_age(db, age):
        names.append(name)
    return names
