"""expire-on-commit, reported at a bulk write left unsynchronised: the commit after it no longer
expires the objects it left stale."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

SOURCE = """\
from sqlalchemy.orm import Session

from golden_models import User


def rename(db: Session, name: str) -> int:
    n = db.query(User).filter(User.age > 30).update({"name": name}, synchronize_session=False)
    db.commit()
    return n


def rename_fetched(db: Session, name: str) -> int:
    n = db.query(User).filter(User.age > 30).update({"name": name}, synchronize_session="fetch")
    db.commit()
    return n
"""


def reported(files: dict[str, str], tmp_path: Path) -> set[str]:
    _, report = migrate({k: textwrap.dedent(v).encode() for k, v in files.items()}, tmp_path / "run")
    return {line for line in report if line.endswith("expire-on-commit")}


def test_an_unsynchronised_bulk_write_is_reported_under_the_default_policy(tmp_path: Path) -> None:
    # only the write with synchronize_session=False: "fetch" updates the session's objects itself
    assert reported({"case.py": SOURCE}, tmp_path) == {"case.py:7 expire-on-commit"}


def test_nothing_is_reported_where_sessions_keep_expiring(tmp_path: Path) -> None:
    pyproject = '[tool.asyncify]\nexpire-on-commit = "keep"\n'
    assert reported({"case.py": SOURCE, "pyproject.toml": pyproject}, tmp_path) == set()


def test_nothing_is_reported_in_a_module_that_never_commits(tmp_path: Path) -> None:
    source = SOURCE.replace("    db.commit()\n", "")
    assert reported({"case.py": source}, tmp_path) == set()
