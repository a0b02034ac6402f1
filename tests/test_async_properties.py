"""A ``@property`` whose getter reaches session I/O: its reads become ``await obj.prop``.

The getter becomes ``async def`` and every read the plan sees makes the reader async, as a call
would; what cannot await (a sync protocol method, a ``cached_property``, a property of a class
libraries read attribute by attribute) is reported ``sync-boundary``.
"""

from __future__ import annotations

import textwrap

import libcst as cst

from sqla_asyncify.pipeline import RunConfig, run
from test_plan import build

REPO = """
from sqlalchemy.orm import Session


class Repo:
    def __init__(self, db: Session) -> None:
        self.db = db

    def get_one(self, key: int):
        return self.db.get(object, key)
"""

VIEW = """
from functools import cached_property

from app.repo import Repo


class View:
    def __init__(self, repo: Repo) -> None:
        self.repo = repo

    @property
    def group(self):
        return self.repo.get_one(1)

    @property
    def group_name(self):
        return self.group.name

    def title(self) -> str:
        return self.group.name.title()

    def rename(self, name: str) -> None:
        self.group.name = name

    def keep(self, other: "View") -> None:
        other.group_id = 1

    @cached_property
    def label(self) -> str:
        return self.group.name


class Child(View):
    def __repr__(self) -> str:
        return str(self.group)


def describe(view: View) -> str:
    return view.group_name
"""


def _plan():
    return build({"app.repo": REPO, "app.view": VIEW})


def test_a_property_reaching_io_becomes_async_and_its_readers_too() -> None:
    plan = _plan()
    for qualname in (
        "app.view.View.group",
        "app.view.View.group_name",  # a property reading one is awaitable too
        "app.view.View.title",
        "app.view.View.rename",  # ``self.group.name = name`` reads ``self.group``
        "app.view.describe",  # through another property, on a parameter of the class
    ):
        assert plan.becomes_async(qualname), qualname
    assert plan.chain("app.view.describe")[:3] == ["app.view.describe", "app.view.View.group_name", "app.view.View.group"]
    # storing into an attribute of another object reads nothing
    assert not plan.becomes_async("app.view.View.keep")


def test_what_cannot_await_a_property_read_is_reported() -> None:
    plan = _plan()
    assert not plan.becomes_async("app.view.View.label")
    assert not plan.becomes_async("app.view.Child.__repr__")
    boundaries = {(i.line, i.rule) for i in plan.items if i.rule == "sync-boundary"}
    # the read's line (the source starts with a blank line), not the def's
    assert (30, "sync-boundary") in boundaries  # cached_property ``label`` reads ``self.group``
    assert (35, "sync-boundary") in boundaries  # ``__repr__`` reads it
    reported = [i for i in plan.items if i.rule == "async-property"]
    assert sorted(i.line for i in reported) == [12, 16]


def test_a_property_of_a_serialized_class_stays_sync() -> None:
    plan = build(
        {
            "app.repo": REPO,
            "app.schema": """
from pydantic import BaseModel

from app.repo import Repo


class Out(BaseModel):
    repo: Repo

    @property
    def group(self):
        return self.repo.get_one(1)

    def name(self) -> str:
        return self.group.name
""",
        }
    )
    assert not plan.becomes_async("app.schema.Out.group")
    assert not plan.becomes_async("app.schema.Out.name")
    assert [i.rule for i in plan.items if "Out.group" in i.reason] == ["sync-boundary"]


def test_reads_are_awaited_where_the_reader_is_async(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "repo.py").write_text(textwrap.dedent(REPO))
    (tmp_path / "app" / "view.py").write_text(textwrap.dedent(VIEW))
    result = run(RunConfig(paths=(tmp_path / "app",), jobs=1, cache=False))
    assert not result.errors
    out = next(o.updated for o in result.outcomes if o.path.name == "view.py").decode()
    assert "    @property\n    async def group(self):\n        return await self.repo.get_one(1)" in out
    assert "return (await self.group).name.title()" in out
    assert "(await self.group).name = name" in out
    assert "return await view.group_name" in out
    assert "other.group_id = 1" in out
    # left sync, reported: no await where nothing can await
    assert "    @cached_property\n    def label(self) -> str:\n        return self.group.name" in out
    cst.parse_module(out)
