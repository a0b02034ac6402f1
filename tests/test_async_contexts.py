"""Async context managers: a family whose ``__enter__``/``__exit__`` reach code made async converts
whole where every ``with`` entering one is known, and is reported (left as it is) otherwise."""

from __future__ import annotations

import pytest

from sqla_asyncify.index import index_module

from test_plan import build

APP = """
from sqlalchemy.orm import Session

class Repo:
    def __init__(self, session: Session):
        self.session = session

    def delete(self, obj) -> None:
        self.session.delete(obj)

class Case:
    def __init__(self, repo: Repo):
        self.repo = repo
        self.items = []

    def cleanup(self) -> None:
        for item in self.items:
            self.repo.delete(item)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

class SubCase(Case):
    pass

def run(case_type: type[Case], session: Session) -> None:
    case = case_type(Repo(session))
    with case:
        pass

def named(session: Session) -> None:
    with SubCase(Repo(session)) as case:
        case.items.append(1)
"""


def test_a_family_entered_only_where_typed_converts_whole() -> None:
    plan = build({"app": APP})
    context = plan.contexts["app.Case"]
    assert context.family == ("app.Case", "app.SubCase")
    assert context.methods == ("app.Case.__enter__", "app.Case.__exit__")
    assert [scope for scope, _ in context.sites] == ["app.named", "app.run"]
    assert {"app.Case.__enter__", "app.Case.__exit__", "app.run", "app.named"} <= set(plan.to_async)
    assert [(i.line, i.rule) for i in plan.items] == [(23, "async-context")]  # ``def __exit__``


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        # a value the plan cannot type may be one: its ``with`` would stay sync
        ("def opaque(thing) -> None:\n    with thing:\n        pass\n", "whose type the analysis cannot tell"),
        # an ExitStack cannot enter an async context manager
        (
            "import contextlib\n"
            "def stacked(session: Session) -> None:\n"
            "    case = Case(Repo(session))\n"
            "    with contextlib.ExitStack() as stack:\n"
            "        stack.enter_context(case)\n",
            "ExitStack.enter_context",
        ),
        # code that must stay sync enters one
        ("class Holder:\n    def __del__(self) -> None:\n        with SubCase(None):\n            pass\n", "must stay sync"),
        # an explicit protocol call would get a coroutine
        ("def manual(case: Case) -> None:\n    case.__exit__(None, None, None)\n", "calls `case.__exit__` explicitly"),
    ],
)
def test_an_entry_not_proven_leaves_the_family_and_reports_it(extra: str, why: str) -> None:
    plan = build({"app": APP + extra})
    assert plan.contexts == {}
    assert "app.Case.__exit__" not in plan.to_async and "app.Case.__enter__" not in plan.to_async
    items = [i for i in plan.items if i.rule == "async-context"]
    assert [i.line for i in items] == [24]  # the call of the function made async, in ``__exit__``
    assert why in items[0].message


def test_a_library_base_is_not_converted() -> None:
    plan = build({"app": APP.replace("class Case:", "class Case(contextlib.AbstractContextManager):")})
    assert plan.contexts == {}
    assert "derives from a library class" in next(i.message for i in plan.items if i.rule == "async-context")


def test_the_index_records_entered_names() -> None:
    import libcst as cst

    index = index_module(cst.parse_module("async def f(a, b, e):\n    with a, b.c as d, open(x):\n        async with e:\n            pass\n"), "m", "m.py")
    fn = next(f for f in index.functions if f.qualname == "m.f")
    assert [(str(c), line) for c, line in fn.entered] == [("a", 2), ("b.c", 2)]
