from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase

engine = create_engine("sqlite:///./app.db")


class Base(DeclarativeBase):
    pass


Base.metadata.create_all(bind=engine)
