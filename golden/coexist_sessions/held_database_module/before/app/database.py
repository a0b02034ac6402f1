"""Shared with the reporting jobs, which stay sync."""
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./app.db", connect_args={"check_same_thread": False})
SessionLocal = sessionmaker(autoflush=False, bind=engine)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def count_users() -> int:
    with SessionLocal() as db:
        return db.execute("SELECT 1").scalar()
