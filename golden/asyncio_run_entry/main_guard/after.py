import sys

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from golden_models import User
import asyncio


async def count_users(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(User))


async def main() -> int:
    engine = create_async_engine("sqlite+aiosqlite:///app.db")
    async with AsyncSession(engine, expire_on_commit=False) as db:
        print(await count_users(db))
    return 0


def helper() -> str:
    return "no database here"


if __name__ == "__main__":
    print(helper())
    sys.exit(asyncio.run(main()))
