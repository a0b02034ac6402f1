from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Greeter:
    def __init__(self, db, greeting: str) -> None:
        self.db = db
        self.greeting = greeting


async def count_users(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(User))


async def greeting_for(db: AsyncSession, greeting: str) -> str:
    greeter = Greeter(db, greeting)
    return f"{greeter.greeting}, {await count_users(db)} users"


def anonymous_greeting(greeting: str) -> str:
    return Greeter(None, greeting).greeting
