from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.orm import Session

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
def get_item(item_id: int, db: Session = Depends(get_db)):
    name = service.find_name(db, item_id)
    if name is None:
        raise HTTPException(status_code=404)
    return {"id": item_id, "name": name}
