from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address


async def emails_of(db: AsyncSession, user_id: int) -> list[str]:
    stmt = select(Address.email).where(Address.user_id == user_id).order_by(Address.id)
    return list(await db.scalars(stmt))
