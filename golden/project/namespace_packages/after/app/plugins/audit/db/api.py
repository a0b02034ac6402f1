from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def count_named(db: AsyncSession, name: str) -> int:
    return await db.scalar(
        select(func.count()).select_from(User).where(User.name == name)
    )
