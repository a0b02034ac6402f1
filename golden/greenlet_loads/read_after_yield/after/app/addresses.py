from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User


@asynccontextmanager
async def temporary_address(db: AsyncSession, email: str) -> AsyncIterator[Address]:
    address = Address(email=email, user_id=1)
    db.add(address)
    await db.commit()
    yield address
    await db.run_sync(lambda _: address.email)
    await db.execute(delete(Address).where(Address.email == address.email))
    await db.commit()


async def add_user(db: AsyncSession, user_id: int) -> bool:
    db.add(User(id=user_id, name="dup", age=1))
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        return False
    return True


async def clash_inside(db: AsyncSession) -> tuple[bool, int]:
    async with temporary_address(db, "tmp@x.org"):
        added = await add_user(db, 1)
    return added, await db.scalar(select(func.count()).select_from(Address))
