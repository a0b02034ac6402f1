from sqlalchemy.orm import Session

from golden_models import User


class Renamer:
    def __init__(self, db, prefix: str) -> None:
        # `db` has no type: every caller hands it a session, which it keeps
        self.db = db
        self.prefix = prefix
        self.capped = self._cap_ages()

    def _cap_ages(self) -> int:
        # session I/O run by the constructor itself, through a method
        capped = self.db.query(User).filter(User.age > 35).update({User.age: 35}, synchronize_session=False)
        self.db.flush()
        return capped

    def rename(self, user_id: int) -> str:
        user = self.db.get(User, user_id)
        user.name = f"{self.prefix}{user.name}"
        self.db.flush()
        return user.name


def make_renamer(db: Session, prefix: str) -> Renamer:
    return Renamer(db, prefix)


def rename_one(db: Session, user_id: int) -> tuple[int, str, int]:
    renamer = make_renamer(db, "x-")
    name = renamer.rename(user_id)
    oldest = db.query(User).order_by(User.age.desc(), User.id).first()
    return renamer.capped, name, oldest.age
