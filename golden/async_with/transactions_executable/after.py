from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


async def rename(session: AsyncSession, user_id, name):
    async with session.begin():
        user = await session.get(User, user_id)
        user.name = name
    return user.name


async def add_address(session: AsyncSession, user_id, email):
    async with session.begin():
        async with session.begin_nested():
            session.add(Address(user_id=user_id, email=email))
    return (await session.scalars(select(Address.email).where(Address.user_id == user_id).order_by(Address.id))).all()


async def failed_nested(session: AsyncSession, user_id):
    async with session.begin():
        try:
            async with session.begin_nested():
                session.add(Address(user_id=user_id, email="gone@example.com"))
                raise ValueError("roll back the savepoint")
        except ValueError:
            pass
    return (await session.scalars(select(Address.id).where(Address.user_id == user_id).order_by(Address.id))).all()
