from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User

from .database import get_async_db

app = FastAPI()


@app.post("/users")
async def create_user(name: str, age: int, db: AsyncSession = Depends(get_async_db)) -> dict[str, object]:
    user = User(name=name, age=age)
    db.add(user)
    await db.flush()  # committed by the dependency, after the response is built
    return {"id": user.id}


@app.get("/users")
async def list_users(db: AsyncSession = Depends(get_async_db)) -> list[str]:
    return list(await db.scalars(select(User.name).order_by(User.id)))
