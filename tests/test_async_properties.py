"""A ``@property`` whose getter reaches session I/O: its reads become ``await obj.prop``.

The getter becomes ``async def`` and every read the plan sees makes the reader async, as a call
would; a ``cached_property`` becomes an async cached one (its awaited value kept per instance);
what cannot await (a sync protocol method, a property of a class libraries read attribute by
attribute) is reported ``sync-boundary``.
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

    @cached_property
    def plain(self) -> str:
        return "no I/O"

    def labels(self) -> str:
        return self.label + self.label.upper() + self.plain


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


def test_a_cached_property_reaching_io_becomes_an_async_cached_one() -> None:
    plan = _plan()
    # ``label`` reads ``group``: it is awaited once per instance (not left sync with a coroutine)
    assert plan.becomes_async("app.view.View.label")
    assert plan.cached_async_property("app.view.View.label")
    assert plan.becomes_async("app.view.View.labels")  # its reader awaits it
    assert not plan.becomes_async("app.view.View.plain")  # no I/O: stays a sync cached_property
    assert not plan.cached_async_property("app.view.View.group")  # a plain property is no cached one
    reported = {i.line: i.reason for i in plan.items if i.rule == "async-property"}
    assert sorted(reported) == [12, 16, 29]
    assert "caching its awaited value per instance" in reported[29]
    assert "caching" not in reported[12]


def test_what_cannot_await_a_property_read_is_reported() -> None:
    plan = _plan()
    assert not plan.becomes_async("app.view.Child.__repr__")
    boundaries = {(i.line, i.rule) for i in plan.items if i.rule == "sync-boundary"}
    # the read's line (the source starts with a blank line), not the def's
    assert (42, "sync-boundary") in boundaries  # ``__repr__`` reads ``self.group``
    assert not any(i.rule == "sync-boundary" and "label" in i.reason for i in plan.items)


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
    # a cached property awaited once: the helper keeps the value, each read awaits it
    assert "    @_cached_async_property\n    async def label(self) -> str:\n        return (await self.group).name" in out
    assert "return await self.label + (await self.label).upper() + self.plain" in out
    assert "    @cached_property\n    def plain(self) -> str:" in out  # still used: the import stays
    assert out.count("def _cached_async_property(getter):") == 1
    assert "from functools import cached_property" in out
    cst.parse_module(out)


def _helper() -> object:
    from sqla_asyncify.codemods.cached_async_property import HELPER, HELPER_SOURCE

    namespace: dict[str, object] = {}
    exec(HELPER_SOURCE, namespace)
    return namespace[HELPER]


def test_the_cached_async_property_helper_awaits_the_getter_once_per_instance() -> None:
    import asyncio

    import pytest

    cached = _helper()
    runs: list[int] = []

    class Box:
        def __init__(self, n: int) -> None:
            self.n = n

        async def value(self) -> int:
            """the value"""
            runs.append(self.n)
            await asyncio.sleep(0)
            return self.n * 10

        value = cached(value)  # type: ignore[operator]

    async def scenario() -> None:
        one, two = Box(1), Box(2)
        assert await one.value == 10 and await one.value == 10  # a coroutine cached would fail here
        assert await two.value == 20
        assert runs == [1, 2]
        one.value = 7  # assignment sets the kept value, as with cached_property
        assert await one.value == 7 and runs == [1, 2]
        del one.value  # forgets it: the next read runs the getter again
        assert await one.value == 10 and runs == [1, 2, 1]
        del one.value
        with pytest.raises(AttributeError):
            del one.value  # nothing kept
        # two reads awaiting at once see one value (the first kept)
        three = Box(3)
        first, second = await asyncio.gather(three.value, three.value)
        assert first == second == 30 and three.__dict__["value"] == 30

    asyncio.run(scenario())
    assert Box.value.__doc__ == "the value"


def test_deleting_an_attribute_reads_no_property() -> None:
    plan = build(
        {
            "app.repo": REPO,
            "app.view": """
from functools import cached_property

from app.repo import Repo


class View:
    def __init__(self, repo: Repo) -> None:
        self.repo = repo

    @cached_property
    def group(self):
        return self.repo.get_one(1)

    def forget(self) -> None:
        del self.group
""",
        }
    )
    assert plan.becomes_async("app.view.View.group")
    assert not plan.becomes_async("app.view.View.forget")


def test_a_cached_property_written_through_its_module_is_replaced_too(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "repo.py").write_text(textwrap.dedent(REPO))
    (tmp_path / "app" / "view.py").write_text(
        textwrap.dedent(
            '''
            import functools

            from app.repo import Repo


            class View:
                def __init__(self, repo: Repo) -> None:
                    self.repo = repo

                @functools.cached_property
                def group(self):
                    return self.repo.get_one(1)

                def name(self) -> str:
                    return self.group.name
            '''
        )
    )
    result = run(RunConfig(paths=(tmp_path / "app",), jobs=1, cache=False))
    assert not result.errors
    out = next(o.updated for o in result.outcomes if o.path.name == "view.py").decode()
    assert "    @_cached_async_property\n    async def group(self):\n        return await self.repo.get_one(1)" in out
    assert "return (await self.group).name" in out
    assert "@functools.cached_property" not in out
    assert "import functools" not in out  # unused now
    assert out.count("def _cached_async_property(getter):") == 1
