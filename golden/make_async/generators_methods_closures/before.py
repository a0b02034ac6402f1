from collections.abc import Iterator

from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


class Repo:
    def __init__(self, db: Session) -> None:
        self.db = db

    def save(self, obj: object) -> None:
        self.db.add(obj)
        self.db.flush()

    def stage(self, obj: object) -> None:
        # add() is sync on AsyncSession: this method stays sync.
        self.db.add(obj)


def outer(db: Session) -> list[int]:
    def load(i: int) -> int:
        return db.scalar(i)

    return [load(i) for i in range(3)]


def pure(x: int) -> int:
    return x + 1
