from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

from .database import AsyncSessionLocal, get_async_db

router = APIRouter()


async def count_adults(min_age: int) -> int:
    async with AsyncSessionLocal() as db:
        return await db.scalar(select(func.count()).select_from(User).where(User.age >= min_age))


@router.get("/users/adults")
async def adults(min_age: int = 18) -> dict[str, int]:
    return {"adults": await count_adults(min_age)}


@router.get("/users/{user_id}")
async def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)) -> dict[str, object]:
    user = await db.get(User, user_id)
    return {"id": user.id, "name": user.name, "age": user.age}


@router.post("/users")
async def create_user(name: str, age: int, db: AsyncSession = Depends(get_async_db)) -> dict[str, object]:
    user = User(name=name, age=age)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return {"id": user.id, "name": user.name}


@router.post("/users/{user_id}/birthday")
async def birthday(user_id: int, db: AsyncSession = Depends(get_async_db)) -> dict[str, object]:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    user.age += 1
    await db.commit(); await db.refresh(user)
    # The async twin keeps expiring, as the sync sessionmaker does: this read re-SELECTs.
    return {"id": user.id, "age": user.age}
