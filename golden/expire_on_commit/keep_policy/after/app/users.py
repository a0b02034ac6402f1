from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

from .database import get_db
from sqlalchemy import select

router = APIRouter()


@router.post("/users/{user_id}/rename")
async def rename(user_id: int, name: str, db: AsyncSession = Depends(get_db)):
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    user.name = name
    await db.commit()
    await db.refresh(user)
    # The sessionmaker keeps expiring: this read re-SELECTs the user.
    return {"id": user.id, "name": user.name, "age": user.age}


@router.post("/users")
async def create(name: str, age: int, db: AsyncSession = Depends(get_db)):
    user = User(name=name, age=age)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return {"id": user.id, "name": user.name}


@router.get("/users/oldest")
async def oldest(name: str, db: AsyncSession = Depends(get_db)):
    user = (
        (
            await db.execute(
                select(User).where(User.name == name).order_by(User.age.desc()).limit(1)
            )
        )
        .scalars()
        .first()
    )
    await db.commit()
    # first() may give None: a refresh at the commit could fail where this read does not.
    return user.age if user else None
