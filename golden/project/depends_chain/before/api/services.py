from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


class UserService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def names(self) -> list[str]:
        return list(self.db.scalars(select(User.name).order_by(User.id)))
