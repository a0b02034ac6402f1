from sqlalchemy import func, select

from jobs.dao import add_job_with_id
from jobs.models import Job, Task
import pytest


@pytest.mark.asyncio(loop_scope="session")
async def test_append_tasks(db, job):
    await db.run_sync(lambda _: job.tasks)
    job.tasks.append(Task(name="a"))
    job.tasks.append(Task(name="b"))
    job.status = "running"
    await db.commit()
    await db.run_sync(lambda _: job.tasks)
    assert [t.name for t in job.tasks] == ["a", "b"]


@pytest.mark.asyncio(loop_scope="session")
async def test_duplicate_rolls_back(db, job):
    assert await add_job_with_id(db, job.id) is False
    assert await db.scalar(select(func.count()).select_from(Job)) == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_fixture_cleaned_up(db):
    assert await db.scalar(select(func.count()).select_from(Job)) == 0
    assert await db.scalar(select(func.count()).select_from(Task)) == 0
