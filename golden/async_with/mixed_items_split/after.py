import warnings
from contextlib import suppress

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User


class Counted:
    """Counts the users when entered and when left."""

    def __init__(self, session: AsyncSession):
        self.session = session
        self.counts: list[int] = []

    async def _count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(User))

    async def __aenter__(self):
        self.counts.append(await self._count())
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.counts.append(await self._count())


async def add_counted(session: AsyncSession, name: str) -> tuple[list[int], list[str]]:
    async with Counted(session) as counted:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            session.add(User(name=name, age=20))
            await session.flush()
            warnings.warn(f"added {name}")
    return counted.counts, [str(w.message) for w in caught]


async def add_address_nested(session: AsyncSession, user_id: int, email: str, fail: bool = False) -> list[str]:
    with suppress(ValueError):
        async with session.begin_nested(), Counted(session) as counted:
            session.add(Address(user_id=user_id, email=email))
            if fail:
                raise ValueError(counted.counts)
    return (await session.scalars(select(Address.email).where(Address.user_id == user_id).order_by(Address.id))).all()
