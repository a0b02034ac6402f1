from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .services import UserService

SessionLocal = async_sessionmaker(expire_on_commit=False)


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()


def get_service(db: AsyncSession = Depends(get_db)) -> UserService:
    return UserService(db)


ServiceDep = Annotated[UserService, Depends(get_service)]
