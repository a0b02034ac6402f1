from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User
from legacy import reports
from legacy.reports import Stats


def names(db: Session) -> dict[str, object]:
    oldest = db.scalars(select(User).order_by(User.age.desc()).limit(1)).one()
    return {"names": reports.user_names(db, 30), "oldest": oldest.id}


def stats(db: Session, user_id: int) -> int:
    return Stats(db).address_count(user_id)
