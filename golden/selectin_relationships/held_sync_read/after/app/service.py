from sqlalchemy.ext.asyncio import AsyncSession

from .legacy import emails_report
from .models import User
from sqlalchemy import select


async def report(db: AsyncSession) -> list[str]:
    return await db.run_sync(emails_report)


async def names(db: AsyncSession) -> list[str]:
    return [
        user.name
        for user in (await db.execute(select(User).order_by(User.id)))
        .unique()
        .scalars()
        .all()
    ]
