from fastapi import Depends, FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User

from .database import get_db

app = FastAPI()


@app.get("/users/count")
def count(db: Session = Depends(get_db)) -> int:
    return db.scalar(select(func.count()).select_from(User))


@app.get("/users/{user_id}/name")
def name(user_id: int, db: Session = Depends(get_db)) -> str:
    return db.get(User, user_id).name
