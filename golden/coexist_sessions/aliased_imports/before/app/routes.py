from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from .database import get_db as db_dep, engine
from golden_models import User

router = APIRouter()


@router.get("/users/{user_id}")
def read_user(user_id: int, db: Session = Depends(db_dep)):
    return db.get(User, user_id)


def shutdown():
    engine.dispose()
