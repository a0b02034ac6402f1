from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from .models import User

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def count_users():
    with SessionLocal() as session:
        return len(session.scalars(select(User)).all())


def add_user(name):
    with SessionLocal.begin() as session:
        session.add(User(name=name, age=1))


def rename(user_id, name):
    with Session(engine) as session, session.begin():
        session.get(User, user_id).name = name


def touch(user_id):
    session = SessionLocal()
    with session:
        with session.begin():
            session.get(User, user_id)
