from sqlalchemy.ext.asyncio import AsyncSession

from .models import User
from sqlalchemy import select


async def address_counts(db: AsyncSession) -> list[tuple[str, int]]:
    return [
        (u.name, u.address_count)
        for u in (await db.execute(select(User).order_by(User.id)))
        .unique()
        .scalars()
        .all()
    ]
