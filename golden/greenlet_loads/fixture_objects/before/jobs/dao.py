from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs.models import Job


def create_job(db: Session, status: str) -> Job:
    job = Job(status=status)
    db.add(job)
    db.commit()
    return job


def add_job_with_id(db: Session, job_id: int) -> bool:
    try:
        db.execute(insert(Job).values(id=job_id, status="copy"))
        db.commit()
    except IntegrityError:
        db.rollback()
        return False
    return True
