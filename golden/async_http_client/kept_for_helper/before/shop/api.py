from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.db import Base, engine, get_db
from shop.models import Item


def create_app():
    Base.metadata.create_all(engine)
    app = FastAPI()

    @app.post("/items/{name}")
    def add_item(name: str, db: Session = Depends(get_db)):
        db.add(Item(name=name))
        db.commit()
        return {"name": name}

    @app.get("/items")
    def list_items(db: Session = Depends(get_db)):
        return db.scalars(select(Item.name).order_by(Item.id)).all()

    return app
