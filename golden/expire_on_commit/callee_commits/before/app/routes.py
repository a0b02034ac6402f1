from fastapi import Depends, HTTPException
from sqlalchemy.orm import Session

from golden_models import User

from . import crud
from .db import get_db


def enroll(db: Session = Depends(get_db), name: str = "", age: int = 0) -> list:
    # Loaded: create_user refreshed it after its own commit.
    first = crud.create_user(db, name, age)
    # This call commits `db` too: `first` is expired, and re-SELECTed by the read below.
    second = crud.create_user(db, name + "-2", age + 1)
    return [first.id, first.name, second.id, second.name]


def birthday(db: Session = Depends(get_db), user_id: int = 0) -> str:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    crud.set_age(db, user, user.age + 1)
    # set_age committed without a refresh: label() reads the expired user.
    return crud.label(user)


def renamed(db: Session = Depends(get_db), user_id: int = 0, name: str = "") -> list:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    # rename refreshes the user after its commit: nothing to reload here.
    same = crud.rename(db, user, name)
    return [user.name, same.age]


def retire(db: Session = Depends(get_db), user_id: int = 0) -> list:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    # A committed delete detaches the user unexpired: its attributes stay readable.
    crud.delete_user(db, user)
    return [user.id, user.name]


def open_two(db: Session = Depends(get_db), name: str = "") -> list:
    accounts = crud.Accounts(db)
    first = accounts.open(name)
    second = accounts.open(name + "-b")
    return [first.name, second.name]


def in_one_statement(db: Session = Depends(get_db), user_id: int = 0) -> list:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    # The call commits, then the same statement reads the expired user: refreshed in place.
    return [crud.create_user(db, "x", 1).id, user.name]
