from abc import ABC, abstractmethod

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Listener(ABC):
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    @abstractmethod
    async def publish(self, name: str) -> int: ...


class Recorder(Listener):
    async def publish(self, name: str) -> int:
        self.db.add(User(id=10, name=name, age=1))
        await self.db.flush()
        return await self.db.scalar(select(func.count()).select_from(User))


class Echo(Listener):
    async def publish(self, name: str) -> int:
        return len(name)


class Bus:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    def _listeners(self) -> list[Listener]:
        return [Recorder(self.db), Echo(self.db)]

    async def dispatch(self, name: str) -> list[int]:
        results = []
        for listener in self._listeners():
            if result := await listener.publish(name):
                results.append(result)
        return results
