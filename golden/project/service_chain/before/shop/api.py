from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from deps_external import get_session

from .services import UserService

DbDep = Annotated[Session, Depends(get_session)]


def rename(db: DbDep, name: str, new: str) -> dict[str, list[int]]:
    service = UserService(db)
    return {"renamed": service.rename_all(name, new)}


def ping() -> str:
    return "pong"
