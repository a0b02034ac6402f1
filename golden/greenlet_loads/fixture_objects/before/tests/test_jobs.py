from sqlalchemy import func, select

from jobs.dao import add_job_with_id
from jobs.models import Job, Task


def test_append_tasks(db, job):
    job.tasks.append(Task(name="a"))
    job.tasks.append(Task(name="b"))
    job.status = "running"
    db.commit()
    assert [t.name for t in job.tasks] == ["a", "b"]


def test_duplicate_rolls_back(db, job):
    assert add_job_with_id(db, job.id) is False
    assert db.scalar(select(func.count()).select_from(Job)) == 1


def test_fixture_cleaned_up(db):
    assert db.scalar(select(func.count()).select_from(Job)) == 0
    assert db.scalar(select(func.count()).select_from(Task)) == 0
