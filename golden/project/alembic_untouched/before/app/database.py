from sqlalchemy.orm import Session

DATABASE_URL = "sqlite:///app.db"


def save(db: Session, obj: object) -> None:
    db.add(obj)
    db.commit()
