import pytest
from sqlalchemy import delete

from jobs.dao import create_job
from jobs.db import SessionLocal, engine
from jobs.models import Base, Job, Task


@pytest.fixture(scope="session", autouse=True)
def tables():
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


@pytest.fixture
def db():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def job(db):
    job = create_job(db, "pending")
    yield job
    db.execute(delete(Task).where(Task.job_id == job.id))
    db.execute(delete(Job).where(Job.id == job.id))
    db.commit()
