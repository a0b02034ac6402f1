from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    @router.put("/users/{name}/age")
    async def put(self, name: str, age: int) -> int:
        users = (await self.db.scalars(select(User).where(User.name == name))).all()
        for user in users:
            user.age = age
        await self.db.flush()
        return len(users)


def registered(db: AsyncSession) -> dict[str, str]:
    return dict(router.paths)
