from fastapi import Depends, FastAPI, HTTPException, Query
from sqlalchemy.orm import Session

from . import crud, schemas
from .database import get_db

app = FastAPI(title="payoff")


@app.get("/users/{user_id}", response_model=schemas.UserOut)
def read_user(user_id: int, db: Session = Depends(get_db)):
    user = crud.get_user(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@app.get("/items", response_model=list[schemas.ItemOut])
def list_items(
    category: str,
    min_price: float = 0.0,
    skip: int = Query(0, ge=0),
    limit: int = Query(20, ge=1, le=100),
    db: Session = Depends(get_db),
):
    return crud.list_items(db, category, min_price, skip, limit)


@app.get("/stats/top-sellers", response_model=list[schemas.SellerStats])
def top_sellers(category: str, limit: int = Query(10, ge=1, le=50), db: Session = Depends(get_db)):
    return [
        schemas.SellerStats(user_id=user_id, name=name, items=items, revenue=revenue or 0.0, rating=rating)
        for user_id, name, items, revenue, rating in crud.top_sellers(db, category, limit)
    ]


@app.patch("/items/{item_id}", response_model=schemas.ItemOut)
def update_stock(item_id: int, body: schemas.StockUpdate, db: Session = Depends(get_db)):
    item = crud.set_stock(db, item_id, body.stock)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return item
