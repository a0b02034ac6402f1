from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def create_user(db: AsyncSession, name: str, age: int) -> User:
    user = User(name=name, age=age)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user


async def set_age(db: AsyncSession, user: User, age: int) -> None:
    user.age = age
    await db.commit()


async def rename(db: AsyncSession, user: User, name: str) -> User:
    user.name = name
    await db.commit()
    await db.refresh(user)
    return user


async def delete_user(db: AsyncSession, user: User) -> None:
    await db.delete(user)
    await db.commit()


def label(user: User) -> str:
    return f"{user.name} ({user.age})"


class Accounts:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def open(self, name: str) -> User:
        return await create_user(self.db, name, 18)
