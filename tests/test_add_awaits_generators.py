"""add-awaits in generator expressions: which ones may become list comprehensions, and which hold
their function sync instead."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

HEADER = """\
from sqlalchemy.orm import Session

from golden_models import User


def age_of(db: Session, user_id: int) -> int:
    return db.get(User, user_id).age
"""


def migrated(body: str, tmp_path: Path) -> tuple[str, set[str]]:
    source = HEADER + "\n\n" + textwrap.dedent(body)
    out, report = migrate({"case.py": source.encode()}, tmp_path / "run")
    return out["case.py"].decode(), report


def test_a_shadowed_builtin_is_not_known_to_consume_the_generator(tmp_path: Path) -> None:
    code, _ = migrated(
        """\
        def sum(items):
            return next(iter(items))


        def first_age(db: Session, ids):
            return sum(age_of(db, i) for i in ids)
        """,
        tmp_path,
    )
    # not a list comprehension: the function is held sync (no un-awaited coroutine is left)
    assert "\ndef first_age(db: Session, ids):\n    return sum(age_of(db, i) for i in ids)" in code


def test_a_generator_passed_with_other_arguments_stays_a_generator(tmp_path: Path) -> None:
    code, _ = migrated(
        """\
        def first_ages(db: Session, ids):
            return sorted((age_of(db, i) for i in ids), reverse=True)
        """,
        tmp_path,
    )
    assert "[await age_of" not in code
    assert "\ndef first_ages(db: Session, ids):" in code  # held sync


def test_join_on_a_string_consumes_whole(tmp_path: Path) -> None:
    code, report = migrated(
        """\
        def joined(db: Session, ids):
            return "-".join(str(age_of(db, i)) for i in ids)
        """,
        tmp_path,
    )
    assert '"-".join([str(await age_of(db, i)) for i in ids])' in code
    assert report == set()
