from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


def touch_named(db: Session, name: str) -> int:
    named = db.query(User).filter(User.name == name)
    return named.update({User.age: User.age + 1}, synchronize_session=False)


async def bump_and_count(db: AsyncSession, name: str) -> int:
    await db.run_sync(touch_named, name)
    return await db.scalar(select(func.count()).select_from(User).where(User.age > 30))
