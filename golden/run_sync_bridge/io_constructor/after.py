from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


class Registration:
    def __init__(self, session: Session, name: str, email: str) -> None:
        # the constructor itself reads through the session it is handed
        query = select(User).filter_by(name=name).order_by(User.id)
        self.user = session.execute(query).scalars().first()
        self.address = Address(email=email, user_id=self.user.id)


class Repository:
    def __init__(self, session: AsyncSession, model: type[Registration] = Registration) -> None:
        self.session = session
        self.model = model

    async def register(self, name: str, email: str) -> int:
        entry = await self.session.run_sync(lambda sync_session: self.model(session=sync_session, name=name, email=email))
        self.session.add(entry.address)
        await self.session.flush()
        return entry.address.id


async def register_directly(db: AsyncSession, name: str, email: str) -> tuple[int, int]:
    entry = await db.run_sync(lambda sync_session: Registration(sync_session, name, email))
    db.add(entry.address)
    await db.flush()
    return entry.user.id, entry.address.id
