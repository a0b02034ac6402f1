from sqlalchemy import text
from sqlalchemy.orm import Session

from golden_models import User


def by_raw_sql(db: Session, minimum_age: int) -> list[User]:
    # from_statement() has no exact select() form: this function stays sync.
    return (
        db.query(User)
        .from_statement(text("SELECT * FROM users WHERE age >= :age ORDER BY id"))
        .params(age=minimum_age)
        .all()
    )


def oldest(db: Session) -> User | None:
    return db.query(User).order_by(User.age.desc(), User.id).first()
