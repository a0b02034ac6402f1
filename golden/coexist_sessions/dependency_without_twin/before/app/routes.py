from fastapi import Depends
from sqlalchemy.orm import Session

from golden_models import User

from .database import get_db


def read_user(user_id: int, db: Session = Depends(get_db)) -> str:
    return db.get(User, user_id).name
