from sqlalchemy.orm import Query
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


def paginate(query: Query, skip: int, limit: int) -> dict:
    # takes any query: its rows or objects, as the query's select list decides
    total = query.order_by(None).count()
    query = query.offset(skip)
    if limit >= 0:
        query = query.limit(limit)
    return {"total": total, "items": query.all()}


def _sort(query, field: str):
    return query.order_by(getattr(User, field).asc(), User.id.asc())


class UserRepo:
    db: AsyncSession

    def __init__(self, db: AsyncSession):
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return (await self.db.execute(select(User).where(User.id == user_id).limit(1))).scalars().first()

    def page(self, skip: int, limit: int, name: str | None = None, order_by: str = "age"):
        query = self.db.sync_session.query(User)
        if name:
            query = query.filter(User.name == name)
        query = _sort(query, order_by)
        return paginate(query, skip, limit)

    def name_page(self, skip: int, limit: int):
        query = self.db.sync_session.query(User.name, User.age).filter(User.age >= 30)
        return paginate(query, skip, limit)

    def rename_all(self, old: str, new: str) -> int:
        query = self.db.sync_session.query(User).filter(User.name == old)
        renamed = paginate(query, 0, -1)["items"]
        for user in renamed:
            user.name = new
        self.db.sync_session.commit()
        return len(renamed)

    async def summary(self) -> tuple[int, str]:
        total = (await self.db.run_sync(lambda sync_session: self.page(0, 1)))["total"]
        return total, (await self.get(1)).name


async def first_page(db: AsyncSession, limit: int):
    repo = UserRepo(db)
    page = await repo.db.run_sync(lambda sync_session: repo.page(0, limit))
    names = await db.run_sync(lambda sync_session: UserRepo(db).name_page(1, limit))
    return [(u.id, u.name) for u in page["items"]], page["total"], names, await repo.get(3)


async def rename_and_count(db: AsyncSession) -> tuple[int, int]:
    repo = UserRepo(db)
    renamed = await repo.db.run_sync(lambda sync_session: repo.rename_all("alice", "alicia"))
    return renamed, (await repo.db.run_sync(lambda sync_session: repo.page(0, 10, name="alicia")))["total"]
