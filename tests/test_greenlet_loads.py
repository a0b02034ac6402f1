"""greenlet-loads: the loads a sync read runs, run first in the session's greenlet, where no query
can load them: a new object's relationship read in a test that a fixture handed over after a
commit, and an attribute read in a fixture's teardown where migrated code may roll back."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

MODELS = textwrap.dedent(
    """\
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Job(Base):
        __tablename__ = "jobs"
        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[str]
        tasks: Mapped[list["Task"]] = relationship(back_populates="job")


    class Task(Base):
        __tablename__ = "tasks"
        id: Mapped[int] = mapped_column(primary_key=True)
        job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
        job: Mapped[Job] = relationship(back_populates="tasks")
    """
)

DAO = textwrap.dedent(
    """\
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from app.models import Job


    def create_job(db: Session, status: str) -> Job:
        job = Job(status=status)
        db.add(job)
        db.commit()
        return job


    def try_commit(db: Session) -> bool:
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            return False
        return True
    """
)

CONFTEST = textwrap.dedent(
    """\
    import pytest
    from sqlalchemy import create_engine, delete
    from sqlalchemy.orm import Session

    from app.dao import create_job
    from app.models import Job


    @pytest.fixture
    def db():
        with Session(create_engine("sqlite://")) as session:
            yield session


    @pytest.fixture
    def job(db):
        job = create_job(db, "pending")
        yield job
        db.execute(delete(Job).where(Job.status == job.status))
        db.commit()
    """
)

TESTS = textwrap.dedent(
    """\
    from app.models import Task


    def test_tasks(db, job):
        job.tasks.append(Task())
        job.tasks.append(Task())
        job.status = "running"
        db.commit()
        assert len(job.tasks) == 2


    def test_branch(db, job, flag):
        db.commit()
        assert (job.tasks if flag else []) == []
    """
)


def _project(dao: str = DAO) -> dict[str, bytes]:
    return {
        "app/__init__.py": b"",
        "app/models.py": MODELS.encode(),
        "app/dao.py": dao.encode(),
        "tests/__init__.py": b"",
        "tests/conftest.py": CONFTEST.encode(),
        "tests/test_jobs.py": TESTS.encode(),
    }


def test_a_fixture_objects_relationship_is_loaded_before_its_first_touch(tmp_path: Path) -> None:
    out, report = migrate(_project(), tmp_path / "run")
    tests = out["tests/test_jobs.py"].decode()
    # once, before the first append (the second touches what is loaded, nothing awaited between)
    assert tests.count("await db.run_sync(lambda _: job.tasks)") == 2  # and again after the commit
    first = tests.index("await db.run_sync(lambda _: job.tasks)")
    assert first < tests.index("job.tasks.append(Task())") < tests.index("await db.commit()")
    assert tests.index("await db.run_sync(lambda _: job.tasks)", first + 1) > tests.index("await db.commit()")
    assert "tests/test_jobs.py:5 greenlet-loads" in report
    assert "tests/test_jobs.py:6 greenlet-loads" not in report


def test_a_read_in_a_branch_gets_no_load_and_keeps_the_fallback(tmp_path: Path) -> None:
    out, report = migrate(_project(), tmp_path / "run")
    tests = out["tests/test_jobs.py"].decode()
    branch = tests[tests.index("async def test_branch"):]
    assert "run_sync" not in branch  # the load would run where the sync read does not
    assert 'lazy="selectin"' in out["app/models.py"].decode()
    assert "app/models.py:13 lazy-load" in report


def test_a_teardown_read_after_the_yield_is_loaded_where_code_may_roll_back(tmp_path: Path) -> None:
    out, report = migrate(_project(), tmp_path / "run")
    conftest = out["tests/conftest.py"].decode()
    teardown = conftest[conftest.index("yield job"):]
    assert teardown.index("await db.run_sync(lambda _: job.status)") < teardown.index("await db.execute(delete(Job)")
    assert "tests/conftest.py:19 greenlet-loads" in report


def test_no_teardown_load_where_nothing_rolls_back(tmp_path: Path) -> None:
    dao = DAO[: DAO.index("\n\ndef try_commit")] + "\n"
    out, _ = migrate(_project(dao), tmp_path / "run")
    conftest = out["tests/conftest.py"].decode()
    assert "run_sync" not in conftest  # nothing expires the fixture's job: the read loads nothing


def test_the_migrated_project_is_a_fixed_point(tmp_path: Path) -> None:
    out, _ = migrate(_project(), tmp_path / "first")
    again, _ = migrate(out, tmp_path / "second")
    for path in out:
        assert again[path] == out[path], path


def test_a_teardown_write_gets_no_load(tmp_path: Path) -> None:
    """Setting a column of an expired object loads nothing in sync code: no load before it."""
    project = _project()
    conftest = CONFTEST.replace(
        "    db.execute(delete(Job).where(Job.status == job.status))\n", '    job.status = "done"\n'
    )
    assert conftest != CONFTEST
    project["tests/conftest.py"] = conftest.encode()
    out, report = migrate(project, tmp_path / "run")
    teardown = out["tests/conftest.py"].decode().split("yield job")[1]
    assert "run_sync" not in teardown
    assert not any(line.startswith("tests/conftest.py") and "greenlet-loads" in line for line in report)
