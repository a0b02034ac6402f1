from sqlalchemy.orm import Session

from golden_models import User


def func(value):
    # The module's own `func`: the count's `sqlalchemy.func` must not replace it.
    return value * 2


def count_of_age(db: Session, age: int):
    return func(db.query(User).filter(User.age == age).count())
