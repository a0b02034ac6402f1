from sqlalchemy.ext.asyncio import AsyncSession

from .models import User
from sqlalchemy import select
from sqlalchemy.orm import selectinload


async def get_user(db: AsyncSession, user_id: int):
    return (
        (
            await db.execute(
                select(User)
                .options(selectinload(User.addresses))
                .where(User.id == user_id)
                .limit(1)
            )
        )
        .unique()
        .scalars()
        .first()
    )


async def list_users(db: AsyncSession):
    return (await db.execute(select(User).order_by(User.id))).unique().scalars().all()
