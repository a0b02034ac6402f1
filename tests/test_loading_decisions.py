"""What the loading plan decides for a relationship read where no query's options can load it: a
read in held sync code of its own query's objects, and a read on a pydantic object named like a
relationship, need nothing (a model-level ``lazy="selectin"`` would change every query of the
model, an Alembic migration's at an older schema too)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst

from sqla_asyncify.loading_facts import collect

MODELS = """\
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    addresses: Mapped[list["Address"]] = relationship(back_populates="user")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")
"""

SCHEMAS = """\
from pydantic import BaseModel


class UserOut(BaseModel):
    id: int
    addresses: list[int]
"""


def _decision(tmp_path: Path, files: dict[str, str], attr: str = "addresses", keep_sync: tuple[str, ...] = ()) -> str:
    from sqla_asyncify.pipeline import RunConfig, analyze

    for rel, text in {"app/__init__.py": "", "app/models.py": MODELS, "app/schemas.py": SCHEMAS, **files}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text))
    plan = analyze(RunConfig(paths=(tmp_path,), cache=False, jobs=1, keep_sync=keep_sync)).plan
    return plan.loading.decision("app.models.User", attr).kind


HELD = """\
from sqlalchemy.orm import Session

from .models import User


def report(db: Session) -> int:
    return sum(len(user.addresses) for user in db.query(User).all())
"""


def test_held_code_reading_its_own_query_needs_no_loader(tmp_path: Path) -> None:
    assert _decision(tmp_path, {"app/legacy.py": HELD}, keep_sync=("app.legacy",)) == "untouched"


def test_held_code_reading_objects_another_function_queried_still_loads_them(tmp_path: Path) -> None:
    files = {"app/legacy.py": """\
        from sqlalchemy.orm import Session

        from .models import User


        def users(db: Session) -> list[User]:
            return db.query(User).all()


        def report(db: Session) -> int:
            return sum(len(user.addresses) for user in users(db))
        """}
    assert _decision(tmp_path, files, keep_sync=("app.legacy",)) == "selectin"


def test_migrated_code_reading_a_held_query_s_objects_still_loads_them(tmp_path: Path) -> None:
    files = {"app/legacy.py": """\
        from sqlalchemy.orm import Session

        from .models import User


        def users(db: Session) -> list[User]:
            return db.query(User).all()
        """, "app/service.py": """\
        from sqlalchemy.orm import Session

        from .legacy import users


        def report(db: Session) -> int:
            return sum(len(user.addresses) for user in users(db))
        """}
    assert _decision(tmp_path, files, keep_sync=("app.legacy",)) == "selectin"


VALIDATED = """\
from sqlalchemy.orm import Session

from .models import User
from .schemas import UserOut


class Repo:
    def __init__(self, db: Session, schema: type) -> None:
        self.db = db
        self.schema = schema

    def get(self, user_id: int):
        return self.schema.model_validate(self.db.get(User, user_id))


def count(db: Session, user_id: int) -> int:
    out = Repo(db, UserOut).get(user_id)
    return len(out.addresses)


def count_named(db: Session, user_id: int) -> int:
    out = UserOut.model_validate({"id": user_id, "addresses": []})
    return len(out.addresses) + len(out.model_dump()["addresses"])
"""


def test_reads_on_pydantic_objects_load_nothing(tmp_path: Path) -> None:
    assert _decision(tmp_path, {"app/service.py": VALIDATED}) == "untouched"


def test_with_sqlmodel_models_an_unnamed_schema_may_build_one(tmp_path: Path) -> None:
    files = {"app/service.py": VALIDATED, "app/tables.py": """\
        from sqlmodel import Field, Relationship, SQLModel


        class Team(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            heroes: list["Hero"] = Relationship(back_populates="team")


        class Hero(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            team_id: int | None = Field(default=None, foreign_key="team.id")
            team: Team | None = Relationship(back_populates="heroes")
        """}
    assert _decision(tmp_path, files) == "selectin"


def _flows(source: str) -> list[tuple[str, str]]:
    from sqla_asyncify.positions import positions

    module = cst.parse_module(textwrap.dedent(source))
    facts = collect(module, positions(module), "m", lambda name: name)
    return [(f.var, str(f.callee)) for f in facts.functions["m.f"].flows if f.kind == "call"]


def test_a_greenlet_lambda_ignoring_its_session_gives_its_body_s_value() -> None:
    flows = _flows("""\
        async def f(db, schema, obj):
            a = await db.run_sync(lambda _: schema.model_validate(obj))
            b = await db.run_sync(lambda s: s.get(obj))
            return a, b
        """)
    assert ("a", "schema.model_validate") in flows
    assert ("b", "db.run_sync") in flows


REPOSITORIES = """\
from sqlalchemy.orm import Session


def add(repos, user_id: int) -> None:
    repos.addresses.create({"user_id": user_id})


def first(holder) -> object:
    return holder.addresses.index(0)
"""


def test_a_method_no_collection_has_reads_no_collection(tmp_path: Path) -> None:
    files = {"app/service.py": REPOSITORIES.replace("    return holder.addresses.index(0)\n", "    return None\n")}
    assert _decision(tmp_path, files) == "untouched"  # `repos.addresses.create`: a repository's


def test_a_collection_method_reads_the_collection(tmp_path: Path) -> None:
    assert _decision(tmp_path, {"app/service.py": REPOSITORIES}) == "selectin"  # `holder.addresses.index`
