"""A loop over a literal (``for repo in [a, b]``, ``for label, repo in [("x", a), ("y", b)]``): its
target is an element of the literal, typed as the elements (at its position, for a tuple target)
all agree on, so a method made async called on it is awaited."""

from __future__ import annotations

import pytest

from sqla_asyncify.names import Callee
from test_plan import build

REPOS = """
from sqlalchemy.orm import Session

class Users:
    def __init__(self, db: Session) -> None:
        self.db = db

    def names(self):
        return self.db.execute("select name from users").scalars().all()

class Plain:
    def names(self):
        return []
"""

NAMES = "app.repos.Users.names"


def called(body: str, receiver: str = "repo") -> str:
    """What ``<receiver>.names()`` inside ``app.use.run`` does: the method's qualname or the kind."""
    plan = build({"app.repos": REPOS, "app.use": "from app.repos import Users, Plain\n" + body})
    target = plan.classify("app.use.run", Callee(receiver, ("names",)))
    return target.name if target.kind == "function" else target.kind


def test_a_loop_over_a_list_of_instances_calls_their_method() -> None:
    body = """
def run(db):
    first = Users(db)
    for repo in [first, Users(db)]:
        repo.names()
"""
    assert called(body) == NAMES
    plan = build({"app.repos": REPOS, "app.use": "from app.repos import Users, Plain\n" + body})
    assert plan.becomes_async("app.use.run")


def test_each_name_of_a_tuple_target_takes_the_items_at_its_position() -> None:
    body = """
def run(db, other: Users):
    for label, repo in [("all", Users(db)), ("other", other)]:
        repo.names()
"""
    assert called(body) == NAMES
    assert called(body, "label") == "other"  # strings name nothing


def test_a_tuple_literal_and_a_comprehension_over_one() -> None:
    body = """
def run(db):
    for repo, n in ((Users(db), 1), (Users(db), 2)):
        repo.names()
    return [repo.names() for repo in (Users(db),)]
"""
    assert called(body) == NAMES


@pytest.mark.parametrize(
    ("target", "iterable"),
    [
        ("repo", "[Users(db), Plain()]"),  # elements of different types
        ("repo", "[Users(db), *more]"),  # elements the plan cannot list
        ("repo", "[Users(db), 'x']"),  # an element naming nothing
        ("repo, n", "[(Users(db), 1), (Plain(), 2)]"),  # items of different types at the position
        ("repo, n", "[(Users(db), 1), pair]"),  # an element that is not a tuple of the target's length
        ("repo, n", "[(Users(db), 1), (Users(db), 2, 3)]"),
        ("repo, n", "[(Users(db), 1), (*more,)]"),
        ("repo", "[]"),
    ],
)
def test_elements_that_do_not_agree_leave_the_target_unknown(target: str, iterable: str) -> None:
    body = f"""
def run(db, more, pair):
    for {target} in {iterable}:
        repo.names()
"""
    assert called(body) == "other"


def test_a_loop_over_a_literal_binds_a_local() -> None:
    # ``repo`` inside ``run`` is its own loop variable: not the module's ``repo``
    body = """
repo = Users(None)

def run():
    for repo in [Plain(), Plain()]:
        repo.names()
"""
    assert called(body) == "app.repos.Plain.names"
