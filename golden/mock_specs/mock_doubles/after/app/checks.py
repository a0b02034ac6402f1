from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def count_named(db: AsyncSession, name: str) -> int:
    stmt = select(func.count()).select_from(User).where(User.name == name)
    return (await db.execute(stmt)).scalar_one()


async def ping(engine: Engine) -> bool:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        await session.execute(select(1))
    return True
