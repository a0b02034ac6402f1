from sqlalchemy.orm import Session, selectinload
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


async def get_user(db: AsyncSession, user_id: int):
    return await db.get(User, user_id)


async def get_with_addresses(db: AsyncSession, user_id: int):
    user = await db.get(User, user_id, options=[selectinload(User.addresses)])
    return None if user is None else [a.id for a in user.addresses]


async def get_fresh(db: AsyncSession, user_id: int):
    user = await db.get(User, user_id)
    user.name = "changed"
    again = await db.get(User, user_id, populate_existing=True)
    return again.name


def get_filtered(db: Session, user_id: int):
    return db.query(User).filter(User.age > 26).get(user_id)
