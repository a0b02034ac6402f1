from sqlalchemy.orm import Session

from .models import User


def get_user(db: Session, user_id: int):
    return db.query(User).filter(User.id == user_id).first()


def list_users(db: Session):
    return db.query(User).order_by(User.id).all()
