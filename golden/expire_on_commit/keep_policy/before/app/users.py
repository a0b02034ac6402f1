from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from golden_models import User

from .database import get_db

router = APIRouter()


@router.post("/users/{user_id}/rename")
def rename(user_id: int, name: str, db: Session = Depends(get_db)):
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    user.name = name
    db.commit()
    # The sessionmaker keeps expiring: this read re-SELECTs the user.
    return {"id": user.id, "name": user.name, "age": user.age}


@router.post("/users")
def create(name: str, age: int, db: Session = Depends(get_db)):
    user = User(name=name, age=age)
    db.add(user)
    db.commit()
    return {"id": user.id, "name": user.name}


@router.get("/users/oldest")
def oldest(name: str, db: Session = Depends(get_db)):
    user = db.query(User).filter(User.name == name).order_by(User.age.desc()).first()
    db.commit()
    # first() may give None: a refresh at the commit could fail where this read does not.
    return user.age if user else None
