from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase

engine = create_engine("sqlite:///./app.db")


class Base(DeclarativeBase):
    pass


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Create the tables on startup.
    Base.metadata.create_all(bind=engine)
    yield
    Base.metadata.drop_all(engine, checkfirst=True)


app = FastAPI(lifespan=lifespan)
