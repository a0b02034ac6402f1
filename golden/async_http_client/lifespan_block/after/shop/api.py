from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from shop import service
from shop.db import get_db

#: What the app's lifespan ran, in order.
events: list[str] = []


@asynccontextmanager
async def lifespan(app: FastAPI):
    events.append("startup")
    yield
    events.append("shutdown")


app = FastAPI(lifespan=lifespan)


@app.get("/items/{item_id}")
async def get_item(item_id: int, db: AsyncSession = Depends(get_db)):
    name = await service.find_name(db, item_id)
    if name is None:
        raise HTTPException(status_code=404)
    return {"id": item_id, "name": name}
