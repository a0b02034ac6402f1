from typing import Optional

from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlalchemy.ext.asyncio import create_async_engine


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    age: Optional[int] = None


def make_engine(path: str):
    return create_async_engine(f"sqlite+aiosqlite:///{path}")


async def create_tables(engine) -> None:
    SQLModel.metadata.create_all(engine)


async def add_hero(session: AsyncSession, name: str, age: int) -> Hero:
    hero = Hero(name=name, age=age)
    session.add(hero)
    await session.commit()
    await session.refresh(hero)
    return hero


async def heroes_named(session: AsyncSession, name: str) -> list[int]:
    return [
        h.id for h in (await session.exec(select(Hero).where(Hero.name == name))).all()
    ]


async def oldest(session: AsyncSession) -> Optional[str]:
    hero = (await session.exec(select(Hero).order_by(Hero.age.desc()))).first()
    return hero.name if hero else None
