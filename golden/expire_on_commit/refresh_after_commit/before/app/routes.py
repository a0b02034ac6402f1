from fastapi import Depends, HTTPException
from sqlalchemy.orm import Session

from golden_models import User

from .db import get_db


def rename(db: Session = Depends(get_db), user_id: int = 0, name: str = "") -> dict:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    user.name = name
    db.commit()
    # Expired by the commit: the sync session re-SELECTs here.
    return {"id": user.id, "name": user.name}


def create(db: Session = Depends(get_db), name: str = "", age: int = 0) -> User:
    user = User(name=name, age=age)
    db.add(user)
    db.commit()
    # A response model reads every attribute of the returned object.
    return user


def birthday(db: Session = Depends(get_db), user_id: int = 0) -> int:
    user = db.query(User).filter(User.id == user_id).one()
    user.age += 1
    db.commit()
    return user.age


def swap_ages(db: Session = Depends(get_db), user_id: int = 0) -> list:
    user = db.query(User).filter(User.id == user_id).one()
    other = db.get(User, 3)
    if other:
        user.age, other.age = other.age, user.age
        db.commit()
    return [user.age, other.age]


def refreshed_already(db: Session = Depends(get_db), name: str = "") -> str:
    user = User(name=name, age=1)
    db.add(user)
    db.commit()
    db.refresh(user)
    return user.name


def first_or_none(db: Session = Depends(get_db), name: str = ""):
    # first() may give None: a refresh could fail where the sync read would not; reported.
    user = db.query(User).filter(User.name == name).first()
    db.commit()
    return user.age if user else None
