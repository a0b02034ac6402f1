"""Async factories: closed class tables, class reads as values, and when a family converts whole."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from sqla_asyncify.class_lookups import class_lookups, lookup_calls
from sqla_asyncify.index import index_module

from test_plan import build


def _lookups(source: str) -> tuple:
    fn = cst.parse_module(textwrap.dedent(source)).body[0]
    return class_lookups(fn)


def test_a_table_picked_then_tested_and_called_is_closed() -> None:
    fn = cst.parse_module(
        textwrap.dedent(
            """
            def f(kind):
                table: dict = {"a": A, "b": m.B}
                constructor = table.get(kind, None)
                if constructor is None:
                    raise ValueError(kind)
                direct = table[kind](1)
                return constructor(2).run()
            """
        )
    ).body[0]
    found = class_lookups(fn)
    assert [(c.table, c.values, c.picked) for c in found] == [("table", ("A", "m.B"), ("constructor",))]
    assert len(lookup_calls(fn, found)) == 2  # ``table[kind](1)`` and ``constructor(2)``


@pytest.mark.parametrize(
    "use",
    [
        "return table",  # the table handed back
        "g(table[kind])",  # a picked class handed on
        "x = table[kind]\n    g(x)",  # the picked name handed on
        "x = table[kind]\n    return x",  # or returned
        "table = {}\n    table[kind]()",  # the name bound twice
        "x = table[kind]\n    x = B\n    x()",  # the picked name bound twice
        "for table in ts:\n        pass",  # a loop target rebinds it
        "x = table.get(kind, B)\n    x()",  # a miss gives another class
    ],
)
def test_a_table_used_any_other_way_is_open(use: str) -> None:
    assert _lookups(f'def f(kind, ts):\n    table = {{"a": A}}\n    {use}\n') == ()


def _function(source: str, qualname: str):
    index = index_module(cst.parse_module(textwrap.dedent(source)), "m", "m.py")
    return next(f for f in index.functions if f.qualname == qualname)


def test_value_refs_are_class_reads_that_may_build_it_elsewhere() -> None:
    fn = _function(
        """
        class A(Base):
            pass
        def f(k: Ann) -> Ret:
            isinstance(k, (Checked, Other))
            build(Handed if k else Alt)
            Called(1)
            Cls.method(Arg)
            obj.attr = 1
            return Returned
        """,
        "m.f",
    )
    assert set(fn.value_refs) == {"Handed", "Alt", "Arg", "Returned", "k"}
    module = _function("class A(Base):\n    x: type[Ann] = Default\n", "m.<module>")
    assert "Base" not in module.value_refs and "Ann" not in module.value_refs and "Default" in module.value_refs


APP = """
from sqlalchemy.orm import Session
from somewhere import Model


class Repo:
    def __init__(self, session: Session):
        self.session = session

    def get_one(self, key: int):
        return self.session.get(object, key)


class Importer:
    def __init__(self, repo: Repo, key: int):
        self.repo = repo
        self.found = repo.get_one(key)


class CsvImporter(Importer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kind = "csv"


class JsonImporter(Importer):
    pass


def import_one(session: Session, key: int):
    return Importer(Repo(session), key)


def import_picked(session: Session, kind: str, key: int):
    table = {"csv": CsvImporter, "json": JsonImporter}
    constructor = table.get(kind)
    if constructor is None:
        raise ValueError(kind)
    return constructor(repo=Repo(session), key=key)
"""


def test_a_family_built_only_where_calls_name_it_becomes_an_async_factory() -> None:
    plan = build({"app": APP})
    factory = plan.factories["app.Importer"]
    assert factory.family == ("app.Importer", "app.CsvImporter", "app.JsonImporter")
    assert factory.inits == ("app.Importer.__init__", "app.CsvImporter.__init__")
    assert {scope for scope, _ in factory.sites} == {"app.import_one", "app.import_picked"}
    # The constructors and every function building one become async; nothing is reported left.
    for name in ("app.Importer.__init__", "app.CsvImporter.__init__", "app.import_one", "app.import_picked"):
        assert name in plan.to_async, name
    assert not [i for i in plan.items if i.rule == "async-init"]
    assert "app.Importer.__init__" not in plan.io_inits


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("def import_one(session: Session, key: int):", "def import_one(session: Session, key: int, make=Importer):"), "read as a value"),
        (("        super().__init__(**kwargs)", "        Importer.__init__(self, **kwargs)"), "chained by name"),
        (("class JsonImporter(Importer):\n    pass", "class JsonImporter(Importer):\n    pass\n\n\nclass Standalone(Importer):\n    def __init__(self):\n        self.found = None"), "a subclass built without it"),
        (("class JsonImporter(Importer):\n    pass", "class JsonImporter(Importer):\n    def __new__(cls, **kwargs):\n        raise TypeError(kwargs)"), "its own __new__"),
        (("class Importer:", "class Importer(Model):"), "a library base"),
        (("class JsonImporter(Importer):\n    pass", "class JsonImporter(Importer):\n    pass\n\n\nclass Holder:\n    def __init__(self, session: Session):\n        self.held = Importer(Repo(session), 1)"), "built in a sync __init__"),
        (("    return Importer(Repo(session), key)", "    return (lambda: Importer(Repo(session), key))()"), "built in a lambda"),
        (("    constructor = table.get(kind)", "    constructor = table.get(kind)\n    print(table)"), "the table read as a value"),
    ],
)
def test_a_family_with_a_construction_that_is_not_known_is_left_and_reported(change: tuple[str, str], why: str) -> None:
    assert change[0] in APP
    plan = build({"app": APP.replace(*change)})
    assert plan.factories == {}, why
    assert "app.Importer.__init__" not in plan.to_async
    assert [i.line for i in plan.items if i.rule == "async-init"] == [17]


def test_a_family_built_nowhere_in_the_project_is_left_and_reported() -> None:
    # Code the project does not show builds it (a library's API): no construction to await.
    plan = build({"app": APP.split("\n\ndef import_one")[0]})
    assert plan.factories == {}
    assert [i.line for i in plan.items if i.rule == "async-init"] == [17]
