from fastapi import Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

from . import crud
from .db import get_db


async def enroll(
    db: AsyncSession = Depends(get_db), name: str = "", age: int = 0
) -> list:
    # Loaded: create_user refreshed it after its own commit.
    first = await crud.create_user(db, name, age)
    # This call commits `db` too: `first` is expired, and re-SELECTed by the read below.
    second = await crud.create_user(db, name + "-2", age + 1)
    await db.refresh(first)
    return [first.id, first.name, second.id, second.name]


async def birthday(db: AsyncSession = Depends(get_db), user_id: int = 0) -> str:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    await crud.set_age(db, user, user.age + 1)
    await db.refresh(user)
    # set_age committed without a refresh: label() reads the expired user.
    return crud.label(user)


async def renamed(
    db: AsyncSession = Depends(get_db), user_id: int = 0, name: str = ""
) -> list:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    # rename refreshes the user after its commit: nothing to reload here.
    same = await crud.rename(db, user, name)
    return [user.name, same.age]


async def retire(db: AsyncSession = Depends(get_db), user_id: int = 0) -> list:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    # A committed delete detaches the user unexpired: its attributes stay readable.
    await crud.delete_user(db, user)
    return [user.id, user.name]


async def open_two(db: AsyncSession = Depends(get_db), name: str = "") -> list:
    accounts = crud.Accounts(db)
    first = await accounts.open(name)
    second = await accounts.open(name + "-b")
    await db.refresh(first)
    return [first.name, second.name]


async def in_one_statement(
    db: AsyncSession = Depends(get_db), user_id: int = 0
) -> list:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    # The call commits, then the same statement reads the expired user: refreshed in place.
    return [
        (await crud.create_user(db, "x", 1)).id,
        (await db.refresh(user) or user).name,
    ]
