from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.models import Job


async def create_job(db: AsyncSession, status: str) -> Job:
    job = Job(status=status)
    db.add(job)
    await db.commit()
    await db.refresh(job)
    return job


async def add_job_with_id(db: AsyncSession, job_id: int) -> bool:
    try:
        await db.execute(insert(Job).values(id=job_id, status="copy"))
        await db.commit()
    except IntegrityError:
        await db.rollback()
        return False
    return True
