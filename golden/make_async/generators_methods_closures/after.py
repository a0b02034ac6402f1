from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SessionLocal = async_sessionmaker(expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()


class Repo:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def save(self, obj: object) -> None:
        self.db.add(obj)
        await self.db.flush()

    def stage(self, obj: object) -> None:
        # add() is sync on AsyncSession: this method stays sync.
        self.db.add(obj)


async def outer(db: AsyncSession) -> list[int]:
    async def load(i: int) -> int:
        return await db.scalar(i)

    return [await load(i) for i in range(3)]


def pure(x: int) -> int:
    return x + 1
