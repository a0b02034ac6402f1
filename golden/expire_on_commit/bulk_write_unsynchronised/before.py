from sqlalchemy import update
from sqlalchemy.orm import Session

from golden_models import User


def rename_older(db: Session, age: int, name: str) -> int:
    count = db.query(User).filter(User.age > age).update({"name": name}, synchronize_session=False)
    return count


def set_age(db: Session, user_id: int, age: int) -> int:
    user = db.get(User, user_id)
    db.execute(update(User).where(User.id == user_id).values(age=age).execution_options(synchronize_session=False))
    seen = user.age
    db.commit()
    return seen


def set_age_synchronised(db: Session, user_id: int, age: int) -> None:
    db.execute(update(User).where(User.id == user_id).values(age=age))
    db.commit()


def names_and_ages(db: Session) -> list[tuple[str, int]]:
    return [(u.name, u.age) for u in db.query(User).order_by(User.id)]
