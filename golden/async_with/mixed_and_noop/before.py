import threading

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from .models import User

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
lock = threading.Lock()


def export(path):
    with SessionLocal() as session, open(path, "w") as out:
        for user in session.scalars(select(User)):
            out.write(user.name)


def read_config(path):
    with open(path) as f, lock:
        return f.read()
