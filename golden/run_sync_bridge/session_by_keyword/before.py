from sqlalchemy import text
from sqlalchemy.orm import Session

from golden_models import User


def adults(db: Session, minimum_age: int) -> list[User]:
    return (
        db.query(User)
        .from_statement(text("SELECT * FROM users WHERE age >= :age ORDER BY id"))
        .params(age=minimum_age)
        .all()
    )


def adult_names(db: Session, minimum_age: int) -> list[str]:
    people = adults(minimum_age=minimum_age, db=db)
    for person in people:
        person.age += 1
    db.commit()
    return [p.name for p in people]
