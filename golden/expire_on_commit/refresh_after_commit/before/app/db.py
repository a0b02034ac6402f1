from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=True)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
