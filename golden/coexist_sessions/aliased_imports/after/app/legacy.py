from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from .database import get_db, SessionLocal
from golden_models import User

router = APIRouter()


@router.get("/legacy/count")
def count_users(db: Session = Depends(get_db)):
    return db.query(User).count()


def nightly():
    with SessionLocal() as db:
        return db.query(User).count()
