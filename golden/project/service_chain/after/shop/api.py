from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from deps_external import get_session

from .services import UserService

DbDep = Annotated[AsyncSession, Depends(get_session)]


async def rename(db: DbDep, name: str, new: str) -> dict[str, list[int]]:
    service = UserService(db)
    return {"renamed": await service.rename_all(name, new)}


def ping() -> str:
    return "pong"
