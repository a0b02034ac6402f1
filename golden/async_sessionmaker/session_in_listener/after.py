from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

#: What the listener saw at each flush.
SEEN: list[int] = []


@event.listens_for(Session, "after_flush")
def count_after_flush(session: Session, _) -> None:
    """SQLAlchemy calls it sync, with the sync session: a Session on its connection works there."""
    local = Session(bind=session.connection())
    SEEN.append(local.scalar(select(func.count()).select_from(User)))


async def add_user(db: AsyncSession, name: str) -> list[int]:
    SEEN.clear()
    db.add(User(name=name, age=7))
    await db.flush()
    return list(SEEN)
