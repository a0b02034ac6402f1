from typing import Optional

from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


async def ranked(db: AsyncSession, name: Optional[str] = None):
    users = select(User).where(User.age >= 30).order_by(User.id)
    if name:
        users = users.where(User.name == name)
    ranks = []
    for rank, user in enumerate((await db.execute(users)).unique().scalars(), 1):
        ranks.append((rank, user.name))
    return ranks


async def listed(db: AsyncSession):
    names = list(await db.execute(select(User.name).order_by(User.name)))
    return [tuple(row) for row in names], sorted(await db.execute(select(User.age)))
