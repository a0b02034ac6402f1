"""expire-on-commit at a bulk write left unsynchronised (``synchronize_session=False``) under the
default policy: synchronised at the write (``"fetch"``) when the next statement commits its session,
reported elsewhere; and the migrated write run against the sync one, statements counted."""

from __future__ import annotations

import asyncio
import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from golden_harness import SUPPORT, imported_tree, migrate

SOURCE = """\
from sqlalchemy.orm import Session

from golden_models import User


def rename(db: Session, name: str) -> int:
    n = db.query(User).filter(User.age > 30).update({"name": name}, synchronize_session=False)
    names = [u.name for u in db.query(User)]
    db.commit()
    return n


def rename_fetched(db: Session, name: str) -> int:
    n = db.query(User).filter(User.age > 30).update({"name": name}, synchronize_session="fetch")
    db.commit()
    return n
"""


def run(files: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], set[str]]:
    out, report = migrate({k: textwrap.dedent(v).encode() for k, v in files.items()}, tmp_path / "run")
    return {k: v.decode() for k, v in out.items()}, {line for line in report if line.endswith("expire-on-commit")}


def reported(files: dict[str, str], tmp_path: Path) -> set[str]:
    return run(files, tmp_path)[1]


def test_an_unsynchronised_bulk_write_is_reported_under_the_default_policy(tmp_path: Path) -> None:
    # only the write with synchronize_session=False: "fetch" updates the session's objects itself;
    # a query reads the objects between the write and the commit, so the write stays as it is
    assert reported({"case.py": SOURCE}, tmp_path) == {"case.py:7 expire-on-commit"}


def test_nothing_is_reported_where_sessions_keep_expiring(tmp_path: Path) -> None:
    pyproject = '[tool.asyncify]\nexpire-on-commit = "keep"\n'
    assert reported({"case.py": SOURCE, "pyproject.toml": pyproject}, tmp_path) == set()


def test_nothing_is_reported_in_a_module_that_never_commits(tmp_path: Path) -> None:
    source = SOURCE.replace("    db.commit()\n", "")
    assert reported({"case.py": source}, tmp_path) == set()


# -- a commit right after the write: synchronised there ------------------------------------------
COMMITTED = """\
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from golden_models import User


class Users:
    def __init__(self, db: Session) -> None:
        self.db = db

    def set_age(self, user_id: int, age: int) -> None:
        self.db.query(User).filter(User.id == user_id).update({"age": age}, synchronize_session=False)
        self.db.commit()

    def drop(self, user_id: int) -> int:
        n = self.db.execute(delete(User).where(User.id == user_id).execution_options(synchronize_session=False)).rowcount
        self.db.commit()
        return n


def set_name(db: Session, other: Session, user_id: int) -> None:
    db.execute(update(User).where(User.id == user_id).values(name="x").execution_options(synchronize_session=False))
    other.commit()
"""


def test_a_write_the_next_statement_commits_is_synchronised_at_the_write(tmp_path: Path) -> None:
    out, report = run({"case.py": COMMITTED}, tmp_path)
    code = out["case.py"]
    assert code.count('synchronize_session="fetch"') == 2  # the Query form and the execute() form
    assert "synchronize_session=False" in code  # set_name: the commit is another session's
    assert report == {"case.py:22 expire-on-commit"}


@pytest.mark.parametrize(
    "between",
    [
        "        self.db.flush()\n",  # anything between: the sync code ran it on stale objects
        "        print(self.db.get(User, user_id).age)\n",
    ],
)
def test_a_statement_between_the_write_and_the_commit_keeps_the_report(tmp_path: Path, between: str) -> None:
    source = COMMITTED.replace(
        '{"age": age}, synchronize_session=False)\n', '{"age": age}, synchronize_session=False)\n' + between
    )
    out, report = run({"case.py": source}, tmp_path)
    assert out["case.py"].count('synchronize_session="fetch"') == 1  # drop() only
    assert "case.py:12 expire-on-commit" in report


def test_a_commit_in_another_block_keeps_the_report(tmp_path: Path) -> None:
    source = COMMITTED.replace(
        '        self.db.query(User).filter(User.id == user_id).update({"age": age}, synchronize_session=False)\n'
        "        self.db.commit()\n",
        "        if age:\n"
        '            self.db.query(User).filter(User.id == user_id).update({"age": age}, synchronize_session=False)\n'
        "        self.db.commit()\n",
    )
    out, report = run({"case.py": source}, tmp_path)
    assert "case.py:13 expire-on-commit" in report


@pytest.mark.parametrize("value", ["func.now()", "select(func.max(User.age)).scalar_subquery()"])
def test_a_value_computed_by_the_database_keeps_the_report(tmp_path: Path, value: str) -> None:
    # the synchronisation would expire that attribute (not evaluable in Python): a read would load
    source = COMMITTED.replace('{"age": age}, synchronize_session=False', '{"age": ' + value + "}, synchronize_session=False")
    source = source.replace("from sqlalchemy import delete, update\n", "from sqlalchemy import delete, func, select, update\n")
    out, report = run({"case.py": source}, tmp_path)
    assert out["case.py"].count('synchronize_session="fetch"') == 1  # drop() only
    assert "case.py:12 expire-on-commit" in report


# -- executed: the values the sync commit's expiry reloaded, in fewer statements -------------------
READER = """\
from sqlalchemy.orm import Session

from golden_models import User
from case import Users


def birthday(db: Session, user_id: int) -> tuple[int, int]:
    user = db.get(User, user_id)
    before = user.age
    Users(db).set_age(user_id, before + 1)
    return before, user.age
"""


class _Statements:
    """Every statement any engine sends while installed (listened for on the ``Engine`` class)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __enter__(self) -> _Statements:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self._count)

    def _count(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        self.sent.append(" ".join(statement.split()[:1] + (["RETURNING"] if " RETURNING " in statement else [])))


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    files = {"case.py": COMMITTED, "reader.py": READER}
    out, _ = migrate({k: v.encode() for k, v in files.items()}, tmp_path / "run")
    dirs = tmp_path / "before", tmp_path / "after"
    for directory, side in zip(dirs, (files, {k: v.decode() for k, v in out.items()})):
        directory.mkdir()
        for name, text in side.items():
            (directory / name).write_text(text)
    yield dirs


def _seeded(url: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    sys.path.insert(0, str(SUPPORT))
    import golden_models

    engine = create_engine(url)
    golden_models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        golden_models.seed(session)
    engine.dispose()


def test_the_synchronised_write_reads_what_the_sync_reload_read_with_fewer_statements(
    tree: tuple[Path, Path], tmp_path: Path
) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
    from sqlalchemy.orm import Session

    before, after = tree
    _seeded(f"sqlite:///{tmp_path / 'sync.db'}")
    _seeded(f"sqlite:///{tmp_path / 'async.db'}")
    with imported_tree(before):
        engine = create_engine(f"sqlite:///{tmp_path / 'sync.db'}")
        with Session(engine) as db, _Statements() as sync:
            sync_result = importlib.import_module("reader").birthday(db, 2)
        engine.dispose()

    async def migrated() -> tuple[int, int]:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'async.db'}")
        async with AsyncSession(engine, expire_on_commit=False) as db:
            with _Statements() as counted:
                result = await importlib.import_module("reader").birthday(db, 2)
        await engine.dispose()
        migrated.sent = counted.sent  # type: ignore[attr-defined]
        return result

    with imported_tree(after):
        async_result = asyncio.run(migrated())
    assert sync_result == async_result == (25, 26)
    # sync: the get, the UPDATE, the commit's expiry re-SELECTed at the read; migrated: the UPDATE
    # reports the rows it changed (RETURNING), and the object takes the new age there
    assert sync.sent == ["SELECT", "UPDATE", "SELECT"]
    assert migrated.sent == ["SELECT", "UPDATE RETURNING"]  # type: ignore[attr-defined]
