from typing import Any, Generic, Type, TypeVar

from sqlalchemy.ext.declarative import DeclarativeMeta as ModelClass
from sqlalchemy.orm import Session

from golden_models import Address, Base, User

ModelType = TypeVar("ModelType", bound=Base)


class CRUDBase(Generic[ModelType]):
    def __init__(self, db: Session, model: Type[ModelType]):
        self.db = db
        self.model = model

    def get(self, id: Any):
        return self.db.query(self.model).get(id)

    def page(self, skip: int, limit: int):
        return (
            self.db.query(self.model)
            .order_by(self.model.id)
            .offset(skip)
            .limit(limit)
            .all()
        )

    def count(self) -> int:
        return self.db.query(self.model).count()

    def remove_all(self) -> int:
        return self.db.query(self.model).delete()


class UserCRUD(CRUDBase[User]):
    def __init__(self, db: Session):
        super().__init__(db, User)


class Router:
    def __init__(self, db: Session, db_model: ModelClass):
        self.db = db
        self.db_model = db_model

    def _lister(self):
        def route(limit: int):
            return (
                self.db.query(self.db_model)
                .order_by(self.db_model.id)
                .limit(limit)
                .all()
            )

        return route

    def first(self, limit: int):
        return self._lister()(limit)


class AddressRouter(Router):
    def __init__(self, db: Session):
        super().__init__(db, Address)


class Factory:
    def __init__(self, db: Session, model):
        self.db = db
        self.model = model

    def create(self, name: str, age: int):
        self.db.add(self.model(name=name, age=age))
        self.db.flush()
        return [o.id for o in self.db.query(self.model).order_by(self.model.id).all()]


class UserFactory(Factory):
    def __init__(self, db: Session):
        super().__init__(db, User)


def count_rows(db: Session, model: "type[Base]") -> int:
    return db.query(model).filter(model.id > 1).count()


def address_rows(db: Session) -> int:
    return count_rows(db, Address)


def rows_of(db: Session, what):
    return db.query(what).all()


def number_of(db: Session, what) -> int:
    return db.query(what).count()


def users_counted(db: Session) -> int:
    return number_of(db, User.id)
