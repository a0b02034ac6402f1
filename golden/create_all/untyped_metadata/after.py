"""DDL on a metadata the plan cannot type (a module it does not read), handed an engine that
becomes async: the bind says it is DDL."""

import golden_models
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine


async def fresh_count(session: AsyncSession):
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(golden_models.Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as other:
        count = await other.scalar(select(func.count(golden_models.User.id)))
    async with engine.begin() as conn:
        await conn.run_sync(golden_models.Base.metadata.drop_all)
    await engine.dispose()
    return count


def untouched(session: AsyncSession, report):
    # not a bind the plan knows: left as it was
    return report.metadata.create_all(session)
