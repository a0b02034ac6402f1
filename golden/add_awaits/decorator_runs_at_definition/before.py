from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class Routes:
    def __init__(self) -> None:
        self.paths: dict[str, str] = {}

    def put(self, path: str):
        def register(fn):
            self.paths[path] = fn.__name__
            return fn

        return register


ROUTERS = {"users": Routes()}
router = ROUTERS["users"]


class Users:
    def __init__(self, db: Session) -> None:
        self.db = db

    @router.put("/users/{name}/age")
    def put(self, name: str, age: int) -> int:
        users = self.db.scalars(select(User).where(User.name == name)).all()
        for user in users:
            user.age = age
        self.db.flush()
        return len(users)


def registered(db: Session) -> dict[str, str]:
    return dict(router.paths)
