from fastapi import Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

from .db import get_db
from sqlalchemy import select


async def rename(
    db: AsyncSession = Depends(get_db), user_id: int = 0, name: str = ""
) -> dict:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    user.name = name
    await db.commit()
    await db.refresh(user)
    # Expired by the commit: the sync session re-SELECTs here.
    return {"id": user.id, "name": user.name}


async def create(
    db: AsyncSession = Depends(get_db), name: str = "", age: int = 0
) -> User:
    user = User(name=name, age=age)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    # A response model reads every attribute of the returned object.
    return user


async def birthday(db: AsyncSession = Depends(get_db), user_id: int = 0) -> int:
    user = (
        (await db.execute(select(User).where(User.id == user_id))).unique().scalar_one()
    )
    user.age += 1
    await db.commit()
    await db.refresh(user)
    return user.age


async def swap_ages(db: AsyncSession = Depends(get_db), user_id: int = 0) -> list:
    user = (
        (await db.execute(select(User).where(User.id == user_id))).unique().scalar_one()
    )
    other = await db.get(User, 3)
    if other:
        user.age, other.age = other.age, user.age
        await db.commit()
        await db.refresh(user)
        await db.refresh(other)
    return [user.age, other.age]


async def refreshed_already(db: AsyncSession = Depends(get_db), name: str = "") -> str:
    user = User(name=name, age=1)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user.name


async def first_or_none(db: AsyncSession = Depends(get_db), name: str = ""):
    # first() may give None: a refresh could fail where the sync read would not; reported.
    user = (
        (await db.execute(select(User).where(User.name == name).limit(1)))
        .scalars()
        .first()
    )
    await db.commit()
    return user.age if user else None
