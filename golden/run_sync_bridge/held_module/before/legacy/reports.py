from sqlalchemy.orm import Session

from golden_models import User


def user_names(db: Session, min_age: int) -> list[str]:
    return [u.name for u in db.query(User).filter(User.age >= min_age).order_by(User.id)]


class Stats:
    def __init__(self, db: Session) -> None:
        self.db = db

    def address_count(self, user_id: int) -> int:
        return len(self.db.get(User, user_id).addresses)
