from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

#: What the listener saw at each flush while `add_user` runs (None: not watching; the listener is
#: registered for every Session in the process).
seen: list[int] | None = None


@event.listens_for(Session, "after_flush")
def count_after_flush(session: Session, _) -> None:
    """SQLAlchemy calls it sync, with the sync session: a Session on its connection works there."""
    if seen is None:
        return  # a flush of other code
    local = Session(bind=session.connection())
    seen.append(local.scalar(select(func.count()).select_from(User)))


async def add_user(db: AsyncSession, name: str) -> list[int]:
    global seen
    seen = []
    try:
        db.add(User(name=name, age=7))
        await db.flush()
        return list(seen)
    finally:
        seen = None
