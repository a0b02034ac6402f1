import time
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import async_sessionmaker

from golden_models import Address
import asyncio

SessionLocal = async_sessionmaker(expire_on_commit=False)


async def purge_once(before: datetime) -> int:
    async with SessionLocal() as db:
        result = await db.execute(delete(Address).where(Address.id > 100))
        await db.commit()
        return result.rowcount


async def purge_forever(interval: float = 60.0) -> None:
    while True:
        await purge_once(datetime.now() - timedelta(days=30))
        await asyncio.sleep(interval)


def wait_a_bit() -> None:
    # Stays sync: no session I/O here, so time.sleep is fine.
    time.sleep(0.1)
