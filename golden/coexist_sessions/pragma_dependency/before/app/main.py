from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User

from .database import get_db

app = FastAPI()


@app.post("/users")
def create_user(name: str, age: int, db: Session = Depends(get_db)) -> dict[str, object]:
    user = User(name=name, age=age)
    db.add(user)
    db.flush()  # committed by the dependency, after the response is built
    return {"id": user.id}


@app.get("/users")
def list_users(db: Session = Depends(get_db)) -> list[str]:
    return list(db.scalars(select(User.name).order_by(User.id)))
