"""run-sync-bridge: a held method handing back a lazy ``Query`` is bridged with the expression that
executes it; the uses that do not execute it where they stand are reported and left as they are
(the executed shapes are golden ``run_sync_bridge/handed_back_query``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

REPO = """\
    from sqlalchemy.orm import Session
    from models import User

    class Repo:
        def __init__(self, db: Session):
            self.db = db

        def listing(self):
            return self.db.query(User).order_by(User.id)
    """


def run(consumer: str, tmp_path: Path) -> tuple[str, set[str]]:
    files = {"repo.py": textwrap.dedent(REPO).encode(), "use.py": textwrap.dedent(consumer).encode()}
    out, report = migrate(files, tmp_path / "run")
    return out["use.py"].decode(), report


def test_builders_then_iteration_run_inside_the_bridge(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from models import User
        from repo import Repo

        def names(repo: Repo):
            return [u.name for u in repo.listing().filter(User.age > 1)]

        def handed(repo: Repo, sink):
            sink(repo.listing())  # the query leaves: `listing` cannot hand back a `select()` instead
        """,
        tmp_path,
    )
    assert "await repo.db.run_sync(lambda sync_session: list(repo.listing().filter(User.age > 1)))" in out


def test_uses_that_do_not_execute_the_query_are_reported(tmp_path: Path) -> None:
    out, report = run(
        """\
        from models import User
        from repo import Repo

        def uses(repo: Repo, sink):
            stmt = repo.listing().statement
            kept = repo.listing().filter(User.age > 1)
            sink(repo.listing())
            for u in repo.listing().yield_per(10):
                pass
            return stmt, kept
        """,
        tmp_path,
    )
    # SQL that would run outside `run_sync`: not bridged, each use reported where it stands
    assert {"use.py:5 sync-calls-async", "use.py:6 sync-calls-async", "use.py:7 sync-calls-async", "use.py:8 sync-calls-async"} <= report
    assert "run_sync" not in out
