from sqlalchemy.orm import Session

from golden_models import Address, User


class UserRepo:
    def __init__(self, db: Session):
        self.db = db

    def get(self, user_id: int) -> User | None:
        return self.db.query(User).filter(User.id == user_id).first()

    def older_than(self, age: int):
        # a lazy query handed back: callers iterate it, filter it further, count it
        return self.db.query(User).filter(User.age > age).order_by(User.id)

    def emails(self, user_id: int):
        query = self.db.query(Address.id, Address.email).filter(Address.user_id == user_id)
        return query.order_by(Address.id.desc())
