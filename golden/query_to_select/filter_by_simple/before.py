from sqlalchemy.orm import Session

from golden_models import Address, User


def by_name(db: Session, name: str):
    return db.query(User).filter_by(name=name).order_by(User.id).all()


def by_name_and_age(db: Session, name: str, age: int):
    return db.query(User).filter_by(name=name, age=age).one_or_none()


def ids_by_age(db: Session, age: int, fallback: int):
    return db.query(User.id).filter_by(age=age or fallback).order_by(User.id).all()
