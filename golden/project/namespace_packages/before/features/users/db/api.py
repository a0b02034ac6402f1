from sqlalchemy.orm import Session

from golden_models import User


def get_user(db: Session, user_id: int) -> User:
    return db.get(User, user_id)
