from typing import Annotated, Optional

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from deps_external import get_session

SessionDep = Annotated[AsyncSession, Depends(get_session)]


def describe(db: Optional[AsyncSession], other: AsyncSession | None = None) -> str:
    return "session" if db is not None else "none"


def with_alias(db: SessionDep) -> int:
    return 1


class Holder:
    db: AsyncSession

    def __init__(self, db: "AsyncSession") -> None:
        self.db = db
