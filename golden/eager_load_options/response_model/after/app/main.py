from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from . import crud, schemas
from .database import get_db

app = FastAPI()


@app.get("/users/{user_id}", response_model=schemas.UserOut)
async def read_user(user_id: int, db: AsyncSession = Depends(get_db)):
    # FastAPI reads user.addresses while serializing, outside this function.
    return await crud.get_user(db, user_id)


@app.get("/users", response_model=list[schemas.UserBrief])
async def read_users(db: AsyncSession = Depends(get_db)):
    # The schema has no relationship: the query loads none.
    return await crud.list_users(db)
