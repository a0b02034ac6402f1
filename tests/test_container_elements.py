"""Values taken out of typed containers get the element's type (``containers.py``, the plan's
``_item_type``): ``units[0]``, ``a, b = pair``, ``for u in users``, ``random.choice(users)``,
``next(it)`` of a parameter annotated ``tuple[Repo, Unit]`` / ``list[User]`` (or handed by a
fixture annotated or returning so), so a call on the value is its class's method, awaited when
that method becomes async, and a sync test calling it becomes async too."""

from __future__ import annotations

import libcst as cst
import pytest

from sqla_asyncify.containers import EACH, TUPLE, Shape, container_shape
from sqla_asyncify.names import Callee
from test_plan import build

REPO = """
from sqlalchemy.orm import Session

class Repo:
    def __init__(self, db: Session):
        self.db = db

    def page(self):
        return self.db.query(Unit).all()

class Unit:
    def label(self):
        return "unit"
"""
PAGE = "app.repo.Repo.page"


def _target(body: str, name: str, scope: str = "tests.test_units.test_x", extra: dict[str, str] | None = None) -> str:
    """What calling ``name.page`` inside ``scope`` of ``tests.test_units`` (built from ``body``) does."""
    plan = build({"app.repo": REPO, "tests.test_units": "from app.repo import Repo, Unit\n" + body, **(extra or {})})
    target = plan.classify(scope, Callee(name, ("page",)))
    return target.name if target.kind == "function" else target.kind


# -- the index: what a container annotation says its elements are ----------------------------
def _shape(annotation: str, imports: dict[str, str] | None = None) -> Shape | None:
    imported = imports or {}

    def qualify(text: str) -> str | None:
        root, _, rest = text.partition(".")
        base = imported.get(root)
        return None if base is None else (f"{base}.{rest}" if rest else base)

    def names_in(node: cst.CSTNode) -> tuple[str, ...]:
        return (cst.Module([]).code_for_node(node),)

    return container_shape(cst.parse_expression(annotation), qualify, names_in)


def test_a_tuple_annotation_has_one_item_per_position() -> None:
    shape = _shape("tuple[Repo, Unit]")
    assert shape is not None and shape.kind == TUPLE
    assert [i.names for i in shape.items] == [("Repo",), ("Unit",)]
    assert shape.item(0) == Shape(("Repo",)) and shape.item(-1) == Shape(("Unit",))
    assert shape.item(2) is None and shape.item(None) is None  # past its end; items that differ


def test_homogeneous_containers_have_one_item_for_every_element() -> None:
    for annotation, imports in [
        ("list[User]", None),
        ("tuple[User, ...]", None),
        ("Sequence[User]", {"Sequence": "collections.abc.Sequence"}),
        ("typing.List[User]", {"typing": "typing"}),
        ("Iterator[User]", {"Iterator": "typing.Iterator"}),
        ("Generator[User, None, None]", {"Generator": "collections.abc.Generator"}),
    ]:
        shape = _shape(annotation, imports)
        assert shape is not None and shape.kind == EACH, annotation
        assert shape.item(None) == shape.item(5) == Shape(("User",)), annotation


def test_optional_union_with_none_annotated_and_strings_are_looked_through() -> None:
    imports = {"Optional": "typing.Optional", "Annotated": "typing.Annotated", "Union": "typing.Union"}
    for annotation in ["Optional[list[User]]", "list[User] | None", "Union[None, list[User]]", "Annotated[list[User], 1]", '"list[User]"']:
        shape = _shape(annotation, imports)
        assert shape is not None and shape.kind == EACH and shape.item(0) == Shape(("User",)), annotation


def test_nested_containers_keep_their_elements() -> None:
    shape = _shape("list[tuple[Repo, Unit]]")
    assert shape is not None
    inner = shape.item(None)
    assert inner is not None and inner.kind == TUPLE and inner.item(1) == Shape(("Unit",))


def test_other_annotations_are_no_containers() -> None:
    imports = {"Mapping": "typing.Mapping", "Union": "typing.Union"}
    for annotation in ["User", "dict[str, User]", "Mapping[str, User]", "Union[list[A], list[B]]", "mylib.list[User]"]:
        assert _shape(annotation, {**imports, "mylib": "mylib"}) is None, annotation
    # a ``list`` imported from elsewhere is not the builtin
    assert _shape("list[User]", {"list": "mylib.list"}) is None


# -- the plan: the element's type --------------------------------------------------------------
def test_a_constant_index_of_a_typed_tuple_gives_that_position_s_type() -> None:
    body = """
def test_x(units: tuple[Unit, Repo, Unit]):
    repo = units[1]
    first = units[0]
    last = units[-1]
    return repo.page(), first.page, last.page
"""
    assert _target(body, "repo") == PAGE
    assert _target(body, "first") == "other"  # ``Unit`` has no ``page``
    assert _target(body, "last") == "other"


def test_unpacking_a_typed_tuple_or_list_gives_each_name_its_element() -> None:
    body = """
def test_x(pair: tuple[Repo, Unit], repos: list[Repo]):
    repo, unit = pair
    a, b = repos
    return repo.page(), unit.page, a.page(), b.page()
"""
    assert _target(body, "repo") == PAGE
    assert _target(body, "unit") == "other"
    assert _target(body, "a") == PAGE and _target(body, "b") == PAGE


def test_a_loop_over_a_typed_list_parameter_gives_its_element() -> None:
    body = """
def test_x(repos: Sequence[Repo], mixed: tuple[Repo, Unit]):
    for repo in repos:
        repo.page()
    for item in mixed:
        item.page()
"""
    source = "from collections.abc import Sequence\n" + body
    assert _target(source, "repo") == PAGE
    assert _target(source, "item") == "other"  # its items differ: no one type


def test_random_choice_and_next_give_an_element() -> None:
    body = """
import random
from typing import Iterator
def test_x(repos: tuple[Repo, Repo], it: Iterator[Repo], mixed: tuple[Repo, Unit]):
    chosen = random.choice(repos)
    following = next(it)
    either = random.choice(mixed)
    return chosen.page(), following.page(), either.page()
"""
    assert _target(body, "chosen") == PAGE
    assert _target(body, "following") == PAGE
    assert _target(body, "either") == "other"


def test_a_module_defining_next_is_not_the_builtin() -> None:
    body = """
from typing import Iterator
def next(it):
    return Repo(None)
def test_x(it: Iterator[Unit]):
    following = next(it)
    return following.page()
"""
    assert _target(body, "following") == PAGE  # its own ``next`` returns a ``Repo``, not an element


def test_an_unannotated_fixture_parameter_takes_the_fixture_s_annotation_or_its_yields() -> None:
    annotated = """
import pytest
from collections.abc import Iterator
@pytest.fixture
def units() -> Iterator[tuple[Repo, Unit]]:
    yield Repo(None), Unit()

def test_x(units):
    repo = units[0]
    return repo.page()
"""
    assert _target(annotated, "repo") == PAGE
    unannotated = """
import pytest
@pytest.fixture
def units(db):
    repo = Repo(db)
    unit = Unit()
    yield repo, unit

def test_x(units):
    repo, unit = units
    first = units[0]
    return repo.page(), first.page(), unit.page
"""
    assert _target(unannotated, "repo") == PAGE
    assert _target(unannotated, "first") == PAGE
    assert _target(unannotated, "unit") == "other"


def test_a_function_annotated_to_return_a_tuple_types_its_caller_s_elements() -> None:
    body = """
def make() -> tuple[Unit, Repo]:
    ...

def test_x():
    pair = make()
    repo = pair[1]
    other = make()[1]
    return repo.page(), other.page()
"""
    assert _target(body, "repo") == PAGE
    assert _target(body, "other") == PAGE


def test_an_element_of_an_element_is_typed_through_both_containers() -> None:
    body = """
def test_x(pairs: list[tuple[Unit, Repo]]):
    for pair in pairs:
        repo = pair[1]
        repo.page()
"""
    assert _target(body, "repo") == PAGE


def test_an_element_of_a_local_collection_by_index() -> None:
    body = """
def test_x(db):
    repos = [Repo(db), Repo(db)]
    first = repos[0]
    a, b = repos
    return first.page(), a.page()
"""
    assert _target(body, "first") == PAGE
    assert _target(body, "a") == PAGE


def test_a_sync_test_calling_a_method_of_an_element_becomes_async() -> None:
    plan = build(
        {
            "app.repo": REPO,
            "tests.test_units": """
            from app.repo import Repo, Unit
            def test_x(units: tuple[Repo, Unit]):
                repo = units[0]
                assert repo.page() == []
            """,
        }
    )
    assert plan.becomes_async(PAGE)
    assert plan.becomes_async("tests.test_units.test_x")


@pytest.mark.parametrize("index", ["i", "1:", "'a'"])
def test_other_subscripts_are_not_elements(index: str) -> None:
    body = f"""
def test_x(units: tuple[Repo, Repo], i):
    repo = units[{index}]
    return repo.page()
"""
    assert _target(body, "repo") == "other"


def test_the_item_of_an_enumerated_typed_list() -> None:
    body = """
def test_x(repos: list[Repo], units: list[Unit]):
    for i, repo in enumerate(repos, start=1):
        repo.page()
    for i, unit in enumerate(units):
        unit.page
"""
    assert _target(body, "repo") == PAGE
    assert _target(body, "unit") == "other"
