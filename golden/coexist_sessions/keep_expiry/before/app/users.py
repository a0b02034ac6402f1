from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User

from .database import SessionLocal, get_db

router = APIRouter()


def count_adults(min_age: int) -> int:
    with SessionLocal() as db:
        return db.scalar(select(func.count()).select_from(User).where(User.age >= min_age))


@router.get("/users/adults")
def adults(min_age: int = 18) -> dict[str, int]:
    return {"adults": count_adults(min_age)}


@router.get("/users/{user_id}")
def read_user(user_id: int, db: Session = Depends(get_db)) -> dict[str, object]:
    user = db.get(User, user_id)
    return {"id": user.id, "name": user.name, "age": user.age}


@router.post("/users")
def create_user(name: str, age: int, db: Session = Depends(get_db)) -> dict[str, object]:
    user = User(name=name, age=age)
    db.add(user)
    db.commit()
    db.refresh(user)
    return {"id": user.id, "name": user.name}


@router.post("/users/{user_id}/birthday")
def birthday(user_id: int, db: Session = Depends(get_db)) -> dict[str, object]:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    user.age += 1
    db.commit()
    # The async twin keeps expiring, as the sync sessionmaker does: this read re-SELECTs.
    return {"id": user.id, "age": user.age}
