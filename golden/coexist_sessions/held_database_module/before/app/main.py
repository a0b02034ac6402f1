from fastapi import Depends, FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User

from . import database

app = FastAPI()


@app.get("/users/count")
def count(db: Session = Depends(database.get_db)) -> int:
    return db.scalar(select(func.count()).select_from(User))


@app.get("/users/{user_id}/name")
def name(user_id: int) -> str:
    with database.SessionLocal() as db:
        return db.get(User, user_id).name
