from typing import Annotated, Optional

from fastapi import Depends
from sqlalchemy.orm import Session as DbSession

from deps_external import get_session

SessionDep = Annotated[DbSession, Depends(get_session)]


def describe(db: Optional[DbSession], other: DbSession | None = None) -> str:
    return "session" if db is not None else "none"


def with_alias(db: SessionDep) -> int:
    return 1


class Holder:
    db: DbSession

    def __init__(self, db: "DbSession") -> None:
        self.db = db
