from abc import ABC, abstractmethod

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class Listener(ABC):
    def __init__(self, db: Session) -> None:
        self.db = db

    @abstractmethod
    def publish(self, name: str) -> int: ...


class Recorder(Listener):
    def publish(self, name: str) -> int:
        self.db.add(User(id=10, name=name, age=1))
        self.db.flush()
        return self.db.scalar(select(func.count()).select_from(User))


class Echo(Listener):
    def publish(self, name: str) -> int:
        return len(name)


class Bus:
    def __init__(self, db: Session) -> None:
        self.db = db

    def _listeners(self) -> list[Listener]:
        return [Recorder(self.db), Echo(self.db)]

    def dispatch(self, name: str) -> list[int]:
        results = []
        for listener in self._listeners():
            if result := listener.publish(name):
                results.append(result)
        return results
