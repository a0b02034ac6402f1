from sqlalchemy.orm import Session

from .models import User


def address_counts(db: Session) -> list[tuple[str, int]]:
    return [(u.name, u.address_count) for u in db.query(User).order_by(User.id).all()]
