"""What the elements of a local collection denote, and ``ExitStack.enter_context``: a function made
async that is handed out as a value (yielded by a context manager, kept in a list) is awaited where
a loop over the list calls it, and only when every element the plan sees is that function. A
context manager made async entered on an ``ExitStack`` is reported (``async-with``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from golden_harness import migrate
from sqla_asyncify.names import Callee
from test_plan import build

CHECKER = """
import contextlib
from sqlalchemy.orm import Session

@contextlib.contextmanager
def checker(db: Session, kind):
    def _check(name):
        return db.get(object, name) == kind
    yield _check

def plain(name):
    return name
"""

CHECK = "app.checker.checker._check"


def classify(body: str, scope: str = "app.use.run", name: str = "check") -> str:
    """What calling ``name`` inside ``scope`` of ``app.use`` (built from ``body``) does."""
    plan = build({"app.checker": CHECKER, "app.use": "import contextlib\nfrom app.checker import checker, plain\n" + body})
    target = plan.classify(scope, Callee(name))
    return target.name if target.kind == "function" else target.kind


def test_a_loop_over_checks_entered_on_an_exit_stack_calls_the_check_made_async() -> None:
    plan = build(
        {
            "app.checker": CHECKER,
            "app.use": """
            import contextlib
            from app.checker import checker
            def run(db, names):
                managers = [checker(db, "a"), checker(db, "b")]
                with contextlib.ExitStack() as stack:
                    checks = [stack.enter_context(m) for m in managers]
                    for name in names:
                        for check in checks:
                            if check(name):
                                return name
            """,
        }
    )
    assert plan.becomes_async(CHECK)
    assert plan.classify("app.use.run", Callee("check")).name == CHECK
    assert plan.becomes_async("app.use.run")  # it calls the check: the call is awaited


def test_one_manager_entered_on_an_imported_exit_stack() -> None:
    body = """
from contextlib import ExitStack
def run(db):
    manager = checker(db, "a")
    with ExitStack() as stack:
        check = stack.enter_context(manager)
        return check("x")
"""
    assert classify(body) == CHECK


def test_an_element_of_a_literal_of_calls_from_an_enclosing_function() -> None:
    body = """
def run(db, names):
    with checker(db, "a") as first, checker(db, "b") as second:
        checks = (first, second)
        def inner():
            for check in checks:
                check("x")
        inner()
"""
    assert classify(body, "app.use.run.inner") == CHECK


@pytest.mark.parametrize(
    "filled",
    [
        "checks.append(plain)",  # a method call may add anything
        "checks += more",  # elements the plan cannot tell
        "checks[0] = plain",  # an element of another type
        "keep(checks)",  # handed to a call, which may fill it
        "checks = list(more)",  # bound otherwise too
    ],
)
def test_a_collection_filled_where_the_plan_cannot_follow_has_no_element_type(filled: str) -> None:
    body = f"""
def run(db, more, keep):
    with checker(db, "a") as first:
        checks = [first]
        {filled}
        for check in checks:
            check("x")
"""
    assert classify(body) == "other"


def test_elements_of_different_types_have_no_element_type() -> None:
    body = """
def run(db):
    with checker(db, "a") as first:
        for check in [first, plain]:
            check("x")
        checks = [first, plain]
        for check in checks:
            check("x")
"""
    assert classify(body) == "other"


def test_a_loop_variable_is_a_local_not_the_enclosing_functions_name() -> None:
    # ``check`` in ``inner`` is its own loop variable over a parameter: not the enclosing ``check``.
    body = """
def run(db, names):
    with checker(db, "a") as check:
        def inner(checks):
            for check in checks:
                check("x")
        inner([plain])
"""
    assert classify(body, "app.use.run") == CHECK
    assert classify(body, "app.use.run.inner") == "other"


def test_enter_context_on_anything_but_an_exit_stack_is_not_followed() -> None:
    body = """
def run(db, stack):
    manager = checker(db, "a")
    check = stack.enter_context(manager)
    check("x")
"""
    assert classify(body) == "other"


ENTERED = """\
import contextlib
from contextlib import ExitStack

from sqlalchemy.orm import Session

from golden_models import User


@contextlib.contextmanager
def counted(db: Session):
    yield db.query(User).count()


@contextlib.contextmanager
def labelled(name):
    yield name
"""


def entered_report(body: str, tmp_path: Path) -> set[str]:
    _, report = migrate({"case.py": (ENTERED + "\n\n" + textwrap.dedent(body)).encode()}, tmp_path / "run")
    return report


def test_a_context_manager_made_async_entered_on_an_exit_stack_is_reported(tmp_path: Path) -> None:
    body = """\
    def run(db: Session):
        with ExitStack() as stack:
            return stack.enter_context(counted(db))
    """
    # line 21: the ``return stack.enter_context(...)`` (the header is 16 lines, then two blank ones)
    assert "case.py:21 async-with" in entered_report(body, tmp_path)


@pytest.mark.parametrize(
    "body",
    [
        # a sync context manager entered on an ExitStack
        "def run(db: Session):\n    with ExitStack() as stack:\n        return stack.enter_context(labelled('x'))\n",
        # ``enter_context`` of something that is not an ExitStack (a parameter of no known type)
        "def run(db: Session, stack):\n    return stack.enter_context(counted(db))\n",
    ],
)
def test_what_an_exit_stack_can_still_enter_is_not_reported(body: str, tmp_path: Path) -> None:
    assert not any(item.endswith("async-with") for item in entered_report(body, tmp_path))


def test_a_manager_called_in_place_and_entered_on_an_exit_stack() -> None:
    body = """
def run(db, kinds):
    with contextlib.ExitStack() as stack:
        check = stack.enter_context(checker(db, "a"))
        checks = [stack.enter_context(checker(db, kind)) for kind in kinds]
        for other in checks:
            other("y")
        return check("x")
"""
    assert classify(body) == CHECK
    assert classify(body, name="other") == CHECK
