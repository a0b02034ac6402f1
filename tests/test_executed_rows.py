"""Rows read by executing a statement are typed by the statement's entity (``Inference._executed_type``):
``select(M)`` through builders, locals and returns, and ``type[T]`` annotations (a ``TypeVar``'s bound).
The executed shape (their held ``update(session=...)`` bridged) is golden ``run_sync_bridge/executed_rows``."""

from __future__ import annotations

from test_plan import build

from sqla_asyncify.plan.types import UNKNOWN, Ty

MODELS = """\
from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass

class User(Base):
    pass

class Address(Base):
    pass
"""

REPO = """\
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Base, User, Address

M = TypeVar("M", bound=Base)


class Repo(Generic[M]):
    def __init__(self, session: Session, model: type[M]) -> None:
        self.session = session
        self.model = model

    def _query(self):
        query = select(self.model)
        return query.options()

    def listed(self, ids):
        rows = self.session.execute(self._query().where(self.model.id.in_(ids))).unique().scalars().all()
        for row in rows:
            pass
        return [item for item in rows]

    def one(self):
        first = self.session.scalars(self._query()).first()
        single = self.session.execute(select(User)).scalar_one()
        scalar = self.session.scalar(select(Address).limit(1))
        return first, single, scalar

    def iterated(self):
        stmt = select(User).order_by(User.id)
        for user in self.session.scalars(stmt):
            pass
        return [a for a in self.session.execute(select(Address)).scalars()]

    def indexed(self):
        rows = self.session.execute(select(User)).scalars().all()
        first = rows[0]
        a, b = rows
        return first, a, b


def unknown(db: Session, other, stmt):
    row = db.execute(select(User)).first()
    column = db.scalars(select(User.name)).all()
    elsewhere = other.execute(select(User)).scalars().all()
    handed = db.scalars(stmt).all()
    if other:
        mixed = db.scalars(select(User)).all()
    else:
        mixed = db.scalars(select(Address)).all()
    for m in mixed:
        pass
    return row, column, elsewhere, handed
"""

USER = Ty("instance", "app.models.User")
ADDRESS = Ty("instance", "app.models.Address")
BASE = Ty("instance", "app.models.Base")


def _plan():
    return build({"app.models": MODELS, "app.repo": REPO})


def test_a_list_of_rows_and_its_elements_are_of_the_statement_entity_through_a_typevar_bound() -> None:
    plan = _plan()
    scope = "app.repo.Repo.listed"
    assert plan.name_type(scope, "rows") == Ty("rows", "app.models.Base")
    assert plan.name_type(scope, "row") == BASE
    assert plan.name_type(scope, "item") == BASE  # a comprehension over the local


def test_one_row_of_a_scalar_result_a_scalar_one_and_a_scalar_are_entities() -> None:
    plan = _plan()
    scope = "app.repo.Repo.one"
    assert plan.name_type(scope, "first") == BASE
    assert plan.name_type(scope, "single") == USER
    assert plan.name_type(scope, "scalar") == ADDRESS


def test_iterating_a_scalar_result_gives_entities() -> None:
    plan = _plan()
    scope = "app.repo.Repo.iterated"
    assert plan.name_type(scope, "user") == USER
    assert plan.name_type(scope, "a") == ADDRESS


def test_an_element_of_rows_by_index_or_unpacking_is_an_entity() -> None:
    plan = _plan()
    scope = "app.repo.Repo.indexed"
    assert plan.name_type(scope, "first") == USER
    assert plan.name_type(scope, "a") == USER and plan.name_type(scope, "b") == USER


def test_a_type_annotation_names_the_class_of_the_typevar_bound() -> None:
    plan = _plan()
    from sqla_asyncify.names import Callee

    assert plan._value_type("app.repo.Repo.listed", Callee("self", ("model",)), False, frozenset()) == Ty(
        "class", "app.models.Base"
    )


def test_rows_of_unknown_shape_receiver_or_entity_stay_unknown() -> None:
    plan = _plan()
    scope = "app.repo.unknown"
    assert plan.name_type(scope, "row") == UNKNOWN  # ``Result.first()`` is a ``Row``
    assert plan.name_type(scope, "column") == UNKNOWN  # ``select(User.name)`` selects a column
    assert plan.name_type(scope, "elsewhere") == UNKNOWN  # not a session
    assert plan.name_type(scope, "handed") == UNKNOWN  # a statement handed in
    assert plan.name_type(scope, "m") == UNKNOWN  # bound to rows of two entities


def test_a_name_rebound_to_its_own_element_is_no_endless_loop() -> None:
    plan = build(
        {
            "app.models": MODELS,
            "app.use": """
            from sqlalchemy import select
            from sqlalchemy.orm import Session
            from app.models import User
            def first(db: Session, data):
                rows = db.execute(select(User)).scalars().all()
                rows = rows[0]
                data = data[0]
                for item in item:
                    pass
                return rows, data
            """,
        }
    )
    assert plan.name_type("app.use.first", "data") == UNKNOWN
    plan.name_type("app.use.first", "rows")  # answered, whatever it is
