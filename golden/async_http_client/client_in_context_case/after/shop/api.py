from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from shop import service
from shop.db import Base, engine, get_db


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield


app = FastAPI(lifespan=lifespan)


@app.post("/items/{name}")
async def add_item(name: str, db: AsyncSession = Depends(get_db)):
    item = await service.add_item(db, name)
    return {"id": item.id, "name": item.name}


@app.get("/items/{item_id}")
async def get_item(item_id: int, db: AsyncSession = Depends(get_db)):
    name = await service.find_name(db, item_id)
    if name is None:
        raise HTTPException(status_code=404)
    return {"id": item_id, "name": name}
