from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from legacy import reports
from legacy.reports import Stats


async def names(db: AsyncSession) -> dict[str, object]:
    oldest = (await db.scalars(select(User).order_by(User.age.desc()).limit(1))).one()
    return {"names": await db.run_sync(reports.user_names, 30), "oldest": oldest.id}


async def stats(db: AsyncSession, user_id: int) -> int:
    return await db.run_sync(
        lambda sync_session: Stats(sync_session).address_count(user_id)
    )
