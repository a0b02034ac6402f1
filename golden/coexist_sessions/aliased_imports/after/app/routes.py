from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from .database import get_async_db, async_engine
from golden_models import User

router = APIRouter()


@router.get("/users/{user_id}")
async def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):
    return await db.get(User, user_id)


async def shutdown():
    await async_engine.dispose()
