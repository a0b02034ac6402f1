from fastapi import Depends, FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

from .database import get_db

app = FastAPI()


@app.get("/users/count")
async def count(db: AsyncSession = Depends(get_db)) -> int:
    return await db.scalar(select(func.count()).select_from(User))


@app.get("/users/{user_id}/name")
async def name(user_id: int, db: AsyncSession = Depends(get_db)) -> str:
    return (await db.get(User, user_id)).name
