from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def rename(db: AsyncSession, user_id: int, name: str) -> str:
    user = await db.get(User, user_id)
    user.name = name
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user.name


async def delete_addresses(db: AsyncSession, user_id: int) -> int:
    # AsyncSession.delete is a coroutine: without await the delete is silently lost.
    addresses = (
        (await db.execute(select(Address).where(Address.user_id == user_id)))
        .scalars()
        .all()
    )
    for address in addresses:
        await db.delete(address)
    await db.flush()
    return len(addresses)


def pending(db: AsyncSession) -> bool:
    db.add_all([User(id=9, name="zoe", age=5)])
    db.expunge_all()
    return db.in_transaction()
