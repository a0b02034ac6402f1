"""awaited-if-coroutine, narrowed: a method called on a receiver that provably holds a builtin
(``data = {}``, ``changes: dict[str, int]``, ``**extra``, ``x.model_dump()``) is the builtin's, so
it is not wrapped in ``_await_if_coroutine`` even where a project method of that name is made
async; a receiver that is not proven (untyped, rebound, loop variable…) stays wrapped and reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from golden_harness import migrate
from sqla_asyncify.builtin_values import annotation_kind, value_kind
from sqla_asyncify.index import index_module

IMPORTS = {"defaultdict": "collections.defaultdict", "json": "json", "Dict": "typing.Dict", "Any": "typing.Any"}


def imported(text: str) -> str | None:
    root, _, rest = text.partition(".")
    base = IMPORTS.get(root)
    return None if base is None else (f"{base}.{rest}" if rest else base)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("{}", "dict"),
        ("{k: v for k, v in pairs}", "dict"),
        ("[x for x in xs]", "list"),
        ("{1, 2}", "set"),
        ("(a, b)", "tuple"),
        ("'a'", "literal"),
        ("f'{a}'", "literal"),
        ("', '.join(names)", "literal"),
        ("'%s' % name", "literal"),
        ("dict(a=1)", "dict"),
        ("set()", "set"),
        ("defaultdict(list)", "collections.defaultdict"),
        ("json.loads(text)", "loads"),
        ("q.model_dump()", "method:model_dump"),
        ("{} | {'a': 1}", "dict"),
        ("[] if flag else [1]", "list"),
        # not proven
        ("q.model_dump() | extra", ""),
        ("load()", "returns:load"),  # proven only if the project's ``load`` is annotated so
        ("Dict()", "returns:Dict"),  # a typing alias, not a constructor
        ("x", ""),
        ("[] if flag else x", ""),
        ("obj.get('a')", "returns:obj.get"),
        ("{} | load()", ""),  # only the first operand's check is kept
    ],
)
def test_value_kind(source: str, kind: str) -> None:
    assert value_kind(cst.parse_expression(source), imported) == kind


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("dict", "dict"),
        ("dict[str, Any]", "dict"),
        ("list[int]", "list"),
        ("Dict[str, int]", "typing.Dict"),
        ("defaultdict[str, list[int]]", "collections.defaultdict"),
        ("dict | None", ""),  # a union: another class may stand there
        ("Any", ""),
        ("Mapping[str, int]", ""),
        ("sorted", ""),
    ],
)
def test_annotation_kind(source: str, kind: str) -> None:
    assert annotation_kind(cst.parse_expression(source), imported) == kind


def index(source: str) -> dict[str, dict[str, set[str]]]:
    """Per function (short name): name → the kinds stored to it."""
    module = index_module(cst.parse_module(textwrap.dedent(source)), "m", "m.py")
    found: dict[str, dict[str, set[str]]] = {}
    for fn in module.functions:
        for name, kind in fn.stores:
            found.setdefault(fn.name, {}).setdefault(name, set()).add(kind)
    return found


def test_every_way_of_storing_a_name_is_noted_with_what_it_proves() -> None:
    stores = index(
        """\
        import json
        CONFIG = {}

        def f(x, **kw):
            global CONFIG
            data = {}
            data += [1]
            a, b = pair
            label: dict[str, int] = load()
            plain: str
            for item in data:
                pass
            with open(x) as handle:
                pass
            if (m := json.loads(x)):
                pass
            try:
                pass
            except ValueError as err:
                pass
            import os.path
            def inner():
                nonlocal data
            CONFIG = make()
            items = [k for k in kw]
        """
    )
    f = stores["f"]
    assert f["data"] == {"dict", "list", ""}  # ``nonlocal data`` in ``inner`` may rebind it
    assert f["a"] == f["b"] == {""}
    assert f["label"] == {"dict"}  # the annotation proves what ``load()`` cannot
    assert "plain" not in f  # annotated, not bound
    assert f["item"] == f["handle"] == f["err"] == f["os"] == f["inner"] == f["k"] == {""}
    assert f["m"] == {"loads"}
    assert f["items"] == {"list"}
    assert "CONFIG" not in f  # ``global``: a store to the module's name
    assert stores["<module>"]["CONFIG"] == {"dict", ""}
    assert stores["inner"]["data"] == {""}


def test_parameters_note_the_builtin_their_annotation_or_star_proves() -> None:
    module = index_module(
        cst.parse_module("def f(a: dict[str, int], b, c: 'dict', *args, d: dict | None = None, **kw): pass\n"),
        "m",
        "m.py",
    )
    (fn,) = [f for f in module.functions if f.name == "f"]
    assert {p.name: p.builtin for p in fn.params} == {"a": "dict", "b": "", "c": "", "args": "tuple", "d": "", "kw": "dict"}


ACCOUNTS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, Session

class Base(DeclarativeBase):
    pass

class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)

class Accounts:
    def __init__(self, db: Session):
        self.db = db

    def update(self, job_id):
        self.db.add(Job(id=job_id))
        self.db.flush()

class Folder:
    def update(self, job_id):
        return job_id
"""

HELPER = "await _await_if_coroutine("


def run(service: str, tmp_path: Path, extra: dict[str, str] | None = None) -> tuple[str, set[str]]:
    sources = {"app/__init__.py": "", "app/accounts.py": ACCOUNTS, "app/service.py": service, **(extra or {})}
    out, report = migrate({k: textwrap.dedent(v).encode() for k, v in sources.items()}, tmp_path / "run")
    return out["app/service.py"].decode(), report


def test_builtin_receivers_are_not_wrapped_and_an_untyped_one_is(tmp_path: Path) -> None:
    out, report = run(
        """\
        import json
        from collections import defaultdict
        from sqlalchemy.orm import Session

        DEFAULTS = {"job": 1}

        def convert(data) -> dict[str, int]:
            return dict(data)

        def save(db: Session, target, changes: dict[str, int], text: str, q, **extra):
            data = {}
            data.update(changes)
            extra.update(data)
            changes.update(extra)
            DEFAULTS.update(data)
            groups = defaultdict(list)
            groups.update(data)
            loaded = json.loads(text)
            loaded.update(data)
            dumped = q.model_dump()
            dumped.update(data)
            converted = convert(data)
            converted.update(data)
            target.update(1)
            db.commit()
        """,
        tmp_path,
    )
    assert out.count(HELPER) == 1
    assert f"{HELPER}target.update(1))" in out
    assert "data.update(changes)\n" in out and "dumped.update(data)\n" in out
    assert {r for r in report if r.startswith("app/service.py")} == {"app/service.py:24 awaited-if-coroutine"}


@pytest.mark.parametrize(
    "body",
    [
        "data = {}\n    data = rows.pop()",  # rebound to something not proven
        "data = {}\n    for data in rows: pass",  # a loop variable
        "data, other = {}, {}",  # unpacked: the element is not proven
        "data = rows[0]",
        "data = dict()\n    helper = 1",  # ``dict`` rebound by the module (below)
        "data = undefined_name",
        "data = load()",  # ``load`` has no return annotation
        "data = build()",  # ``-> dict`` on a generator function: what it returns is a generator
    ],
)
def test_receivers_not_proven_builtin_stay_wrapped(body: str, tmp_path: Path) -> None:
    shadow = "def dict(value=None):\n    return value\n\n" if "dict()" in body else ""
    out, report = run(
        f"""\
from sqlalchemy.orm import Session
from app.accounts import Folder

{shadow}def load():
    return rows_of()

def build() -> dict:
    yield {{}}

def save(db: Session, rows):
    {body}
    data.update(1)
    db.commit()
""",
        tmp_path,
    )
    assert f"{HELPER}data.update(1))" in out


def test_an_annotation_of_a_builtin_a_project_class_derives_from_proves_nothing(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from sqlalchemy.orm import Session

        class Registry(dict):
            pass

        def save(db: Session, data: dict):
            data.update(1)
            db.commit()
        """,
        tmp_path,
    )
    assert f"{HELPER}data.update(1))" in out


def test_a_project_method_named_like_a_dict_returning_library_method_proves_nothing(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from sqlalchemy.orm import Session

        class Exporter:
            def model_dump(self):
                return None

        def save(db: Session, q):
            data = q.model_dump()
            data.update(1)
            db.commit()
        """,
        tmp_path,
    )
    assert f"{HELPER}data.update(1))" in out


def test_a_module_global_rebound_in_a_function_proves_nothing(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from sqlalchemy.orm import Session

        CURRENT = {}

        def swap(value):
            global CURRENT
            CURRENT = value

        def save(db: Session):
            CURRENT.update(1)
            db.commit()
        """,
        tmp_path,
    )
    assert f"{HELPER}CURRENT.update(1))" in out
