from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base

engine = create_engine("sqlite:///./app.db")
Base = declarative_base()


def init_db():
    Base.metadata.create_all(engine)


def reset_db(tables=None):
    Base.metadata.drop_all(bind=engine, tables=tables)
    init_db()
