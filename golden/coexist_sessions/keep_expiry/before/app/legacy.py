from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from golden_models import User

from .database import SessionLocal, get_db

router = APIRouter()


@router.get("/legacy/count")
def count_users(db: Session = Depends(get_db)) -> int:
    return db.query(User).count()


def nightly_names() -> list[str]:
    with SessionLocal() as db:
        return [u.name for u in db.query(User).order_by(User.id)]


@router.get("/legacy/names")
def names() -> list[str]:
    return nightly_names()
