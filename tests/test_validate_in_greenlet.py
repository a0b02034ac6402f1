"""validate-in-greenlet: a validation whose schema the plan cannot name runs in the session's
greenlet; one whose schema it names, one of a builtin value, and one in a generator expression do
not (the last is reported)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

REPO = textwrap.dedent(
    """\
    from pydantic import BaseModel, ConfigDict
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Team(Base):
        __tablename__ = "teams"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]


    class Player(Base):
        __tablename__ = "players"
        id: Mapped[int] = mapped_column(primary_key=True)
        team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
        team: Mapped[Team] = relationship()


    class TeamOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        name: str


    class Repo:
        def __init__(self, session: Session, schema: type[BaseModel]) -> None:
            self.session = session
            self.schema = schema

        def one(self, pk: int):
            player = self.session.get(Player, pk)
            return self.schema.model_validate(player)

        def all_lazy(self):
            players = self.session.query(Player).all()
            return list(self.schema.model_validate(p) for p in players)

        def from_dict(self, pk: int):
            data = {"name": str(pk)}
            return self.schema.model_validate(data)

        def named(self, pk: int):
            team = self.session.get(Team, pk)
            return TeamOut.model_validate(team)
    """
)


def _run(tmp_path: Path) -> tuple[str, set[str]]:
    out, report = migrate({"repo.py": REPO.encode()}, tmp_path / "run")
    return out["repo.py"].decode(), report


def test_an_unnamed_schema_runs_in_the_greenlet_and_a_generator_expression_is_reported(tmp_path: Path) -> None:
    text, report = _run(tmp_path)
    assert "        return await self.session.run_sync(lambda _: self.schema.model_validate(player))\n" in text
    # A generator expression cannot await: left as it was, and said.
    assert "        return list(self.schema.model_validate(p) for p in players)\n" in text
    assert report == {"repo.py:35 validate-in-greenlet", "repo.py:39 validate-in-greenlet"}


def test_a_builtin_value_and_a_named_schema_are_left(tmp_path: Path) -> None:
    text, _ = _run(tmp_path)
    assert "        return self.schema.model_validate(data)\n" in text
    assert "        return TeamOut.model_validate(team)\n" in text


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    once, _ = _run(tmp_path)
    twice, _ = migrate({"repo.py": once.encode()}, tmp_path / "again")
    assert twice["repo.py"].decode() == once
