from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from . import crud, schemas
from .database import get_db

app = FastAPI()


@app.get("/users/{user_id}", response_model=schemas.UserOut)
def read_user(user_id: int, db: Session = Depends(get_db)):
    # FastAPI reads user.addresses while serializing, outside this function.
    return crud.get_user(db, user_id)


@app.get("/users", response_model=list[schemas.UserBrief])
def read_users(db: Session = Depends(get_db)):
    # The schema has no relationship: the query loads none.
    return crud.list_users(db)
