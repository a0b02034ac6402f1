from celery import Celery, shared_task
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User

engine = create_engine("postgresql://app@db/app")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
celery = Celery("tasks", broker="redis://localhost")


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def report() -> int:
    with SessionLocal() as db:
        return count_users(db)


@celery.task
def nightly() -> int:
    return report()


@shared_task(bind=True, max_retries=3)
def weekly(self) -> dict[str, int]:
    return {"users": report()}


@shared_task
def refresh() -> int:
    return report()


async def refresh_now() -> int:
    # Called from async code too: an event loop runs here, the helper runs the call in a thread.
    return refresh()


@celery.task
def ping() -> str:
    return "pong"
