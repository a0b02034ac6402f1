from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User
from sqlalchemy import select
from sqlalchemy.orm import selectinload


async def owners(db: AsyncSession) -> list[tuple[str, str]]:
    return [
        (a.email, a.user.name)
        for a in (await db.execute(select(Address).order_by(Address.id)))
        .unique()
        .scalars()
        .all()
    ]


async def emails_of(db: AsyncSession, user_id: int) -> list[str]:
    user = (
        (
            await db.execute(
                select(User)
                .options(selectinload(User.addresses))
                .where(User.id == user_id)
            )
        )
        .unique()
        .scalar_one()
    )
    return [a.email for a in user.addresses]


async def add_address(db: AsyncSession, user_id: int, email: str) -> tuple[str, str]:
    address = Address(email=email, user_id=user_id)
    db.add(address)
    await db.commit()
    await db.refresh(address)
    return address.email, address.user.name
