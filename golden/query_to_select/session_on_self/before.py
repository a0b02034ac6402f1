from sqlalchemy.orm import Session

from golden_models import Address, User


class UserRepository:
    def __init__(self, db: Session):
        self.db = db

    def by_name(self, name: str):
        return self.db.query(User).filter_by(name=name).order_by(User.id).all()

    def email_count(self, user_id: int):
        return self.db.query(Address).filter(Address.user_id == user_id).count()

    def newest(self):
        return self.db.query(User).order_by(User.id.desc()).first()
