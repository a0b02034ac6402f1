from sqlalchemy.ext.asyncio import AsyncSession


def make_session(bind: object) -> AsyncSession:
    return AsyncSession(bind=bind, expire_on_commit=False)
