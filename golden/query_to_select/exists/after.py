from sqlalchemy import select, exists
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def name_taken(db: AsyncSession, name: str):
    return await db.scalar(select(select(User).where(User.name == name).exists()))


async def has_address(db: AsyncSession, user_id: int):
    return (
        await db.execute(select(exists().where(Address.user_id == user_id)))
    ).scalar_one_or_none()


async def users_with_any_address(db: AsyncSession):
    # An EXISTS criterion built from a query: not executed by itself.
    has_one = select(Address).where(Address.user_id == User.id).exists()
    return (await db.execute(select(User.id).where(has_one).order_by(User.id))).all()
