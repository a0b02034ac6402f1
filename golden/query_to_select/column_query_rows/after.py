from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


async def id_name_rows(db: AsyncSession):
    return (await db.execute(select(User.id, User.name).order_by(User.id))).all()


async def first_id(db: AsyncSession, name: str):
    # A single column is still a Row, not a scalar.
    return (
        await db.execute(
            select(User.id).where(User.name == name).order_by(User.id).limit(1)
        )
    ).first()


async def names(db: AsyncSession):
    # Duplicate names are kept: column-only queries are not de-duplicated.
    return (await db.execute(select(User.name).order_by(User.name))).all()


async def name_for(db: AsyncSession, user_id: int):
    row = (await db.execute(select(User.name).where(User.id == user_id))).one()
    return row.name
