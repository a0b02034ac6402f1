from fastapi import Depends
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine, autoflush=False)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def cap_ages(db: Session = Depends(get_db), age: int = 30) -> int:
    count = db.query(User).filter(User.age > age).update({"age": age}, synchronize_session=False)
    db.commit()
    return count
