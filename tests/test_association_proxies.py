"""Association proxies: reading ``obj.proxy`` reads the relationship the proxy goes through, so the
query whose objects are read so loads it, and a read the plan cannot follow loads it with its parent."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

MODELS = """\
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship()
    owner_name = association_proxy("user", "name")
"""


def migrated(body: str, tmp_path: Path) -> str:
    source = MODELS + "\n\n" + textwrap.dedent(body)
    out, _ = migrate({"case.py": source.encode()}, tmp_path / "run")
    return out["case.py"].decode()


def test_a_proxy_read_on_query_results_loads_its_relationship_on_that_query(tmp_path: Path) -> None:
    code = migrated(
        """\
        def owners(db: Session) -> list[str]:
            return [a.owner_name for a in db.query(Address).order_by(Address.id).all()]
        """,
        tmp_path,
    )
    assert "joinedload(Address.user)" in code
    assert 'relationship(lazy="selectin")' not in code  # followed: the query loads it, not every query


def test_a_proxy_read_the_plan_cannot_follow_loads_its_relationship_with_the_parent(tmp_path: Path) -> None:
    code = migrated(
        """\
        def owner_of(address) -> str:
            return address.owner_name


        def first(db: Session) -> int:
            return db.get(Address, 1).id
        """,
        tmp_path,
    )
    assert 'user: Mapped[User] = relationship(lazy="selectin")' in code
