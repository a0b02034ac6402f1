from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def find_by_name(db: AsyncSession, name: str) -> list[User]:
    return list((await db.execute(select(User).where(User.name == name).order_by(User.id))).scalars())
