from sqlalchemy.orm import Session

from golden_models import User
from repo import UserRepo


def names_over(db: Session, age: int) -> list[str]:
    repo = UserRepo(db)
    names = []
    for user in repo.older_than(age):
        names.append(user.name)
    return names


def first_named(db: Session, name: str) -> int | None:
    user = UserRepo(db).older_than(0).filter(User.name == name).first()
    return None if user is None else user.id


def count_over(db: Session, age: int) -> int:
    repo = UserRepo(db)
    return repo.older_than(age).count()


def summary(db: Session) -> dict[str, object]:
    repo = UserRepo(db)
    second = repo.older_than(20)[1]
    return {
        "second": second.name,
        "ids": [u.id for u in repo.older_than(20).all()],
        "emails": list(enumerate(row.email for row in repo.emails(1))),
        "sorted": sorted(repo.emails(2)),
        "oldest": repo.get(4).name,
    }


def adults(db: Session):
    # the query itself leaves: its SQL would run outside the bridge
    return UserRepo(db).older_than(17)
