from sqlalchemy.orm import Session

from .queries import by_raw_sql, oldest


def birthday_for_adults(db: Session, minimum_age: int) -> list[tuple[str, int]]:
    people = by_raw_sql(db, minimum_age)
    for person in people:
        person.age += 1
    db.commit()
    eldest = oldest(db)
    return [(p.name, p.age) for p in people] + [(eldest.name, eldest.age)]
