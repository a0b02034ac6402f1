from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase

engine = create_engine("sqlite://")


class Base(DeclarativeBase):
    pass


def setup():
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
