from sqlalchemy import create_engine
from sqlalchemy.orm import Session

DATABASE_URL = "sqlite:///app.db"
engine = create_engine(DATABASE_URL)


def save(db: Session, obj: object) -> None:
    db.add(obj)
    db.commit()
