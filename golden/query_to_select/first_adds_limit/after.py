from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import select


async def first_by_name(db: AsyncSession, name: str):
    # Two users are named "alice": first() must still return one (LIMIT 1).
    return (
        (await db.execute(select(User).where(User.name == name).limit(1)))
        .scalars()
        .first()
    )


async def first_with_join(db: AsyncSession, name: str):
    return (
        (
            await db.execute(
                select(User).join(User.addresses).where(User.name == name).limit(1)
            )
        )
        .scalars()
        .first()
    )


async def first_email_row(db: AsyncSession, user_id: int):
    return (
        await db.execute(
            select(Address.email)
            .where(Address.user_id == user_id)
            .order_by(Address.id)
            .limit(1)
        )
    ).first()
