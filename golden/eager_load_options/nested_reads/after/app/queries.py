from sqlalchemy.ext.asyncio import AsyncSession

from .models import User
from .models import Address
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload


async def addresses_with_owner(db: AsyncSession, user_id: int) -> list[tuple[str, str]]:
    user = await db.get(
        User, user_id, options=[selectinload(User.addresses).joinedload(Address.user)]
    )
    return [(a.email, a.user.name) for a in user.addresses]


async def first_owner_name(db: AsyncSession, user_id: int) -> str:
    user = (
        (
            await db.execute(
                select(User)
                .options(selectinload(User.addresses).joinedload(Address.user))
                .where(User.id == user_id)
                .limit(1)
            )
        )
        .unique()
        .scalars()
        .first()
    )
    return user.addresses[0].user.name
