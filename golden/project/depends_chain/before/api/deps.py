from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session, sessionmaker

from .services import UserService

SessionLocal = sessionmaker()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def get_service(db: Session = Depends(get_db)) -> UserService:
    return UserService(db)


ServiceDep = Annotated[UserService, Depends(get_service)]
