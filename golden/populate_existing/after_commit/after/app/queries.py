from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User
from sqlalchemy.orm import selectinload


async def emails_before_and_after(db: AsyncSession, user_id: int) -> list[str]:
    user = await db.get(User, user_id, options=[selectinload(User.addresses)])
    before = [a.email for a in user.addresses]
    # Added through the foreign key, not appended: the loaded collection does not show it.
    db.add(Address(email="new@x.org", user_id=user_id))
    await db.commit()
    # The sync session expired the user at the commit: this get re-reads it, and the collection.
    again = await db.get(
        User, user_id, options=[selectinload(User.addresses)], populate_existing=True
    )
    return before + [a.email for a in again.addresses]


async def renamed(db: AsyncSession, user_id: int) -> list[str]:
    user = (
        (await db.execute(select(User).where(User.id == user_id))).unique().scalar_one()
    )
    old = user.name
    await db.execute(
        update(User)
        .where(User.id == user_id)
        .values(name="renamed")
        .execution_options(synchronize_session="fetch")
    )
    await db.commit()
    return [old, (await find(db, user_id)).name]


async def find(db: AsyncSession, user_id: int) -> User:
    # Called after a commit: the sync query refreshed the expired user from its row.
    return (
        (
            await db.execute(
                select(User)
                .execution_options(populate_existing=True)
                .where(User.id == user_id)
            )
        )
        .unique()
        .scalar_one()
    )
