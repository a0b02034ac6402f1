from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Base, User

M = TypeVar("M", bound=Base)


class Repository(Generic[M]):
    def __init__(self, session: Session, model: type[M]) -> None:
        self.session = session
        self.model = model

    def _query(self):
        query = select(self.model)
        return query.order_by(self.model.id)

    def create(self, **data) -> tuple:
        row = self.model(session=self.session, **data)
        self.session.add(row)
        self.session.commit()
        return row.id, row.name, row.seen

    def update_many(self, ids: list[int], name: str) -> list[tuple]:
        stmt = self._query().where(self.model.id.in_(ids))
        rows = self.session.execute(stmt).unique().scalars().all()
        for row in rows:
            row.update(session=self.session, name=name)
        self.session.commit()
        return [(row.id, row.name, row.seen) for row in rows]

    def update_first(self, name: str) -> tuple:
        row = self.session.scalars(self._query()).first()
        row.update(session=self.session, name=name)
        self.session.commit()
        return row.id, row.name, row.seen

    def update_older(self, age: int, name: str) -> list:
        stmt = select(User).where(User.age > age)
        updated = [row.update(session=self.session, name=name) for row in self.session.scalars(stmt)]
        self.session.commit()
        return updated


def rename_many(db: Session, ids: list[int], name: str) -> list[tuple]:
    return Repository(db, User).update_many(ids, name)


def rename_first(db: Session, name: str) -> tuple:
    return Repository(db, User).update_first(name)


def rename_older(db: Session, age: int, name: str) -> list:
    return Repository(db, User).update_older(age, name)


def create_user(db: Session, name: str) -> tuple:
    return Repository(db, User).create(id=5, name=name, age=20)
