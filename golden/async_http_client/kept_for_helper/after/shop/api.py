from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Base, engine, get_db
from shop.models import Item


async def create_app():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    app = FastAPI()

    @app.post("/items/{name}")
    async def add_item(name: str, db: AsyncSession = Depends(get_db)):
        db.add(Item(name=name))
        await db.commit()
        return {"name": name}

    @app.get("/items")
    async def list_items(db: AsyncSession = Depends(get_db)):
        return (await db.scalars(select(Item.name).order_by(Item.id))).all()

    return app
