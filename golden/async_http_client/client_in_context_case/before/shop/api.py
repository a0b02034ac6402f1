from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.orm import Session

from shop import service
from shop.db import Base, engine, get_db


@asynccontextmanager
async def lifespan(app: FastAPI):
    Base.metadata.create_all(engine)
    yield


app = FastAPI(lifespan=lifespan)


@app.post("/items/{name}")
def add_item(name: str, db: Session = Depends(get_db)):
    item = service.add_item(db, name)
    return {"id": item.id, "name": item.name}


@app.get("/items/{item_id}")
def get_item(item_id: int, db: Session = Depends(get_db)):
    name = service.find_name(db, item_id)
    if name is None:
        raise HTTPException(status_code=404)
    return {"id": item_id, "name": name}
