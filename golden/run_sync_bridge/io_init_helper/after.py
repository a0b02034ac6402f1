from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


class Renamer:
    def __init__(self, db, prefix: str) -> None:
        # `db` has no type: every caller hands it a session, which it keeps
        self.db = db
        self.prefix = prefix
        self.capped = self._cap_ages()

    def _cap_ages(self) -> int:
        # session I/O run by the constructor itself, through a method
        capped = self.db.sync_session.query(User).filter(User.age > 35).update({User.age: 35}, synchronize_session=False)
        self.db.sync_session.flush()
        return capped

    async def rename(self, user_id: int) -> str:
        user = await self.db.get(User, user_id)
        user.name = f"{self.prefix}{user.name}"
        await self.db.flush()
        return user.name


async def make_renamer(db: AsyncSession, prefix: str) -> Renamer:
    return await db.run_sync(lambda sync_session: Renamer(db, prefix))


async def rename_one(db: AsyncSession, user_id: int) -> tuple[int, str, int]:
    renamer = await make_renamer(db, "x-")
    name = await renamer.rename(user_id)
    oldest = (await db.execute(select(User).order_by(User.age.desc(), User.id).limit(1))).scalars().first()
    return renamer.capped, name, oldest.age
