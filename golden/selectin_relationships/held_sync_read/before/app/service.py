from sqlalchemy.orm import Session

from .legacy import emails_report
from .models import User


def report(db: Session) -> list[str]:
    return emails_report(db)


def names(db: Session) -> list[str]:
    return [user.name for user in db.query(User).order_by(User.id).all()]
