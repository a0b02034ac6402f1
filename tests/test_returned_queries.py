"""query-to-select across functions: a function handing back a legacy query converts with every use
of what it returns (it returns the ``select()``, each use executes it), or stays as it is, reported
with the use that holds it (the executed shape is golden ``query_to_select/query_handed_back``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

REPO = """\
    from sqlalchemy.orm import Query, Session
    from models import Address, User

    class Repo:
        def __init__(self, db: Session):
            self.db = db

        def listing(self, min_age: int, named: str | None = None) -> Query:
            db = self.db
            if named is None:
                q = db.query(User)
            else:
                q = db.query(User).filter(User.name == named)
            q = q.filter(User.age >= min_age)
            return q

    def emails(db: Session, user_id: int):
        return db.query(Address.id, Address.email).filter(Address.user_id == user_id)
    """


def run(consumer: str, tmp_path: Path, repo: str = REPO, **more: str) -> tuple[dict[str, str], set[str]]:
    files = {
        "repo.py": textwrap.dedent(repo).encode(),
        "use.py": textwrap.dedent(consumer).encode(),
        **{name: textwrap.dedent(text).encode() for name, text in more.items()},
    }
    out, report = migrate(files, tmp_path / "run")
    return {name: out[name].decode() for name in files}, report


def test_the_builder_returns_a_select_and_each_use_executes_it_exactly(tmp_path: Path) -> None:
    out, report = run(
        """\
        from models import User
        from repo import Repo, emails

        def uses(repo: Repo, db):
            names = [u.name for u in repo.listing(20)]
            first = repo.listing(20).order_by(User.id).first()
            n = repo.listing(20, "alice").count()
            everyone = repo.listing(0).filter(User.age < 99).all()
            rows = list(emails(repo.db, 1))
            return names, first, n, everyone, rows
        """,
        tmp_path,
    )
    repo, use = out["repo.py"], out["use.py"]
    assert "async def listing(self, min_age: int, named: str | None = None) -> Select:" in repo
    assert "q = select(User).where(User.name == named)" in repo and "q = q.where(User.age >= min_age)" in repo
    assert "        return q\n" in repo
    assert "return select(Address.id, Address.email).where(Address.user_id == user_id)" in repo
    # one entity: objects, de-duplicated as legacy does; `first()` keeps its LIMIT 1 (no unique)
    assert "[u.name for u in (await repo.db.execute(await repo.listing(20))).unique().scalars()]" in use
    assert (
        "(await repo.db.execute((await repo.listing(20)).order_by(User.id).limit(1))).scalars().first()" in use
    )
    assert "await repo.db.scalar(select(func.count()).select_from((await repo.listing(20, \"alice\")).subquery()))" in use
    assert "(await repo.db.execute((await repo.listing(0)).where(User.age < 99))).unique().scalars().all()" in use
    # two columns: rows, no `.scalars()`, no `.unique()`
    assert "rows = list(await repo.db.execute(await emails(repo.db, 1)))" in use
    assert not report


def test_a_use_that_escapes_holds_the_builder_and_is_named_in_its_report(tmp_path: Path) -> None:
    out, report = run(
        """\
        from repo import Repo

        class Cache:
            def __init__(self, repo: Repo):
                self.repo = repo

            def warm(self):
                self.kept = self.repo.listing(20)
                return [u.name for u in self.repo.listing(30)]
        """,
        tmp_path,
    )
    repo = out["repo.py"]
    assert "q = db.query(User)" in repo and "return q" in repo
    assert "-> Select" not in repo
    assert "repo.py:11 query-unsupported" in report
    # what `warm` stores is still a `Query`: it was never handed a `select()`
    assert "self.kept = self.repo.listing(20)" in out["use.py"]


def test_the_hold_names_the_use_that_cannot_follow(tmp_path: Path) -> None:
    from sqla_asyncify.pipeline import RunConfig, run as run_pipeline

    files = {
        "repo.py": textwrap.dedent(REPO).encode(),
        "use.py": textwrap.dedent(
            """\
            from repo import Repo

            def handed(repo: Repo, sink):
                sink(repo.listing(20))
            """
        ).encode(),
    }
    migrate(files, tmp_path / "run")  # lays the files out
    result = run_pipeline(RunConfig(paths=(tmp_path / "run",)))
    reasons = [i.reason for i in result.items if i.rule == "query-unsupported" and i.line == 11]
    assert reasons and "`use.handed` (" in reasons[0] and "use.py:4)" in reasons[0], reasons


def test_a_reference_that_is_not_a_call_holds_it(tmp_path: Path) -> None:
    out, report = run(
        """\
        from repo import Repo

        def names(repo: Repo):
            build = repo.listing
            return [u.name for u in repo.listing(20)] + [u.name for u in build(30)]
        """,
        tmp_path,
    )
    assert "return q" in out["repo.py"] and "q = db.query(User)" in out["repo.py"]
    assert "repo.py:11 query-unsupported" in report


def test_an_override_that_may_run_instead_holds_it(tmp_path: Path) -> None:
    out, report = run(
        """\
        from models import User
        from repo import Repo

        class Nobody(Repo):
            def listing(self, min_age: int, named: str | None = None):
                return []  # `repo.listing(20)` may run this: a list, no statement to execute

        def names(repo: Repo):
            return [u.name for u in repo.listing(20)]
        """,
        tmp_path,
    )
    assert "q = db.query(User)" in out["repo.py"]
    assert "repo.py:11 query-unsupported" in report


def test_a_file_left_as_it_is_that_calls_it_holds_it(tmp_path: Path) -> None:
    # `script.py` never mentions SQLAlchemy or a session: it is not rewritten, and iterates a `Query`
    out, report = run(
        """\
        from repo import Repo

        def names(repo: Repo):
            return [u.name for u in repo.listing(20)]
        """,
        tmp_path,
        **{"script.py": "def show(repo):\n    for u in repo.listing(0):\n        print(u)\n"},
    )
    assert "q = db.query(User)" in out["repo.py"]
    assert "repo.py:11 query-unsupported" in report


def test_a_use_in_a_lambda_holds_it(tmp_path: Path) -> None:
    out, report = run(
        """\
        from repo import Repo

        def names(repo: Repo):
            later = lambda: repo.listing(20).all()
            return [u.name for u in repo.listing(20)], later
        """,
        tmp_path,
    )
    assert "q = db.query(User)" in out["repo.py"]
    assert "repo.py:11 query-unsupported" in report


def test_a_session_the_caller_cannot_name_holds_it(tmp_path: Path) -> None:
    out, report = run(
        """\
        from sqlalchemy.orm import Session
        from repo import Repo, emails

        def names(db: Session):
            return [u.name for u in Repo(db).listing(20)]
        """,
        tmp_path,
    )
    assert "q = db.query(User)" in out["repo.py"]
    assert "repo.py:11 query-unsupported" in report
    # `emails` has no use at all here: no call the plan sees, so it is left as well
    assert "db.query(Address.id, Address.email)" in out["repo.py"]


def test_select_list_changes_on_the_handed_back_query_are_not_rewritten(tmp_path: Path) -> None:
    out, report = run(
        """\
        from models import User
        from repo import Repo

        def ids(repo: Repo):
            return repo.listing(20).with_entities(User.id).all()
        """,
        tmp_path,
    )
    assert "q = db.query(User)" in out["repo.py"]
    assert "repo.py:11 query-unsupported" in report


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    out, first = run(
        """\
        from repo import Repo

        def names(repo: Repo):
            return [u.name for u in repo.listing(20)]
        """,
        tmp_path,
    )
    again, report = run(out["use.py"], tmp_path / "again", repo=out["repo.py"])
    assert again == out
    assert "-> Select" in out["repo.py"]
    # `emails`, which nothing calls, left as it is (two lines down after the first run's imports)
    assert first == {"repo.py:18 query-unsupported"} and report == {"repo.py:20 query-unsupported"}


def test_a_builder_handing_its_query_to_a_helper_is_left(tmp_path: Path) -> None:
    # `paginate` receives the `Query` itself: it would get a `select()` it cannot run
    repo = """\
        from sqlalchemy.orm import Session
        from models import User

        def paginate(q, n):
            return q.limit(n)

        class Repo:
            def __init__(self, db: Session):
                self.db = db

            def listing(self, n: int):
                q = self.db.query(User).filter(User.age > 1)
                q = paginate(q, n)
                return q
        """
    out, report = run(
        """\
        from repo import Repo

        def names(repo: Repo):
            return [u.name for u in repo.listing(2)]
        """,
        tmp_path,
        repo=repo,
    )
    assert ".query(User).filter(User.age > 1)" in out["repo.py"] and "select(" not in out["repo.py"]
    assert "repo.py:12 query-unsupported" in report


def test_the_query_import_goes_with_its_last_use(tmp_path: Path) -> None:
    """``-> Query`` became ``-> Select``: the import of ``Query`` is dropped where nothing else in the
    module names it, and kept where something does."""
    consumer = """\
        from repo import Repo

        def names(repo: Repo):
            return [u.name for u in repo.listing(20)]
        """
    out, _ = run(consumer, tmp_path)
    assert "-> Select:" in out["repo.py"]
    assert "import Query" not in out["repo.py"] and "Query," not in out["repo.py"]
    still_named = REPO.replace("    def emails(", "    LEGACY = Query\n\n    def emails(")
    out, _ = run(consumer, tmp_path, repo=still_named)
    assert "-> Select:" in out["repo.py"] and "import Query" in out["repo.py"]
