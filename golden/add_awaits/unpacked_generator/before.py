from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


def age_of(db: Session, user_id: int) -> int:
    stmt = select(User.age).where(User.id == user_id)
    return db.execute(stmt).scalar_one()


def ages_of_pair(db: Session, first: int, second: int) -> tuple[int, int]:
    # Unpacking consumes the generator whole, in order: a list comprehension can await.
    a, b = (age_of(db, i) for i in (first, second))
    return a, b
