"""bench/realworld/run.py: what it reads from pytest (summary line, JUnit XML) and from migrated files."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "realworld"))

import run  # noqa: E402
from recipes import RECIPES  # noqa: E402


def test_summary_line_counts_every_outcome() -> None:
    out = "....\nFAILED x\n==== 1 failed, 130 passed, 6 warnings, 1 error in 11.51s ====\n"
    line, counts = run.parse_summary(out)
    assert counts == {"failed": 1, "passed": 130, "errors": 1}
    assert line.startswith("1 failed")


def test_summary_absent_when_pytest_did_not_finish() -> None:
    assert run.parse_summary(
        "ImportError while loading conftest '/x/conftest.py'.\n"
    ) == ("", {})


def test_junit_problems_and_kinds(tmp_path: Path) -> None:
    xml = tmp_path / "j.xml"
    xml.write_text("""<?xml version="1.0"?><testsuites><testsuite>
<testcase classname="tests.test_a" name="test_one"><error message='failed on setup with "sqlalchemy.exc.InvalidRequestError: needs an async driver"'>tb</error></testcase>
<testcase classname="tests.test_a" name="test_two"><error message='failed on setup with "sqlalchemy.exc.InvalidRequestError: needs an async driver"'>tb</error></testcase>
<testcase classname="tests.test_b" name="test_three"><failure message="AttributeError: 'coroutine' object at 0x7f00 has no attribute 'json'">tb</failure></testcase>
<testcase classname="tests.test_b" name="test_four"><failure message="assert 3 == 4">E   AssertionError</failure></testcase>
<testcase classname="tests.test_b" name="test_ok"/>
</testsuite></testsuites>""")
    problems = run.parse_junit(xml)
    assert [(p["test"], p["phase"], p["type"]) for p in problems] == [
        ("tests.test_a::test_one", "setup", "sqlalchemy.exc.InvalidRequestError"),
        ("tests.test_a::test_two", "setup", "sqlalchemy.exc.InvalidRequestError"),
        ("tests.test_b::test_three", "call", "AttributeError"),
        ("tests.test_b::test_four", "call", "AssertionError"),
    ]
    kinds = run.first_of_each_kind(problems)
    assert [(k["test"], k["count"]) for k in kinds] == [
        ("tests.test_a::test_one", "2"),
        ("tests.test_b::test_three", "1"),
        ("tests.test_b::test_four", "1"),
    ]


def test_leftovers_count_sync_spellings_not_async_ones(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "from sqlalchemy.orm import Session\n"
        "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"
        "# db.query(Item) in a comment\n"
        "def f(db: Session, s: AsyncSession):\n"
        "    return db.query(Item).all(), async_sessionmaker(bind=e), sessionmaker(bind=e)\n"
    )
    counts = run.leftovers(tmp_path, ["m.py", "missing.py"])
    assert counts == {
        ".query(": 1,
        "Session": 2,
        "sessionmaker(": 1,
        "create_engine(": 0,
    }


def test_recipes_are_pinned_and_their_patches_exist() -> None:
    for recipe in RECIPES.values():
        assert len(recipe.sha) == 40 and recipe.selections and recipe.pins
        assert (
            recipe.patch is None
            or (ROOT / "bench" / "realworld" / recipe.patch).exists()
        )
