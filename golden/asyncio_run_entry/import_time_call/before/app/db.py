from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def init_db() -> int:
    with SessionLocal() as db:
        if count_users(db) < 5:
            db.add(User(name="admin", age=40))
            db.commit()
        return count_users(db)
