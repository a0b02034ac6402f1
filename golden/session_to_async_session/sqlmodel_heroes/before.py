from typing import Optional

from sqlmodel import Field, Session, SQLModel, create_engine, select


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    age: Optional[int] = None


def make_engine(path: str):
    return create_engine(f"sqlite:///{path}")


def create_tables(engine) -> None:
    SQLModel.metadata.create_all(engine)


def add_hero(session: Session, name: str, age: int) -> Hero:
    hero = Hero(name=name, age=age)
    session.add(hero)
    session.commit()
    session.refresh(hero)
    return hero


def heroes_named(session: Session, name: str) -> list[int]:
    return [h.id for h in session.exec(select(Hero).where(Hero.name == name)).all()]


def oldest(session: Session) -> Optional[str]:
    hero = session.exec(select(Hero).order_by(Hero.age.desc())).first()
    return hero.name if hero else None
