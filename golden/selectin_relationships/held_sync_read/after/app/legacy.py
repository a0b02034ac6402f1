from sqlalchemy.orm import Session

from .models import User


def emails_report(db: Session) -> list[str]:
    # Held sync: the objects of its own query, read where they were loaded, load lazily as before.
    users = db.query(User).order_by(User.id).all()
    return [f"{user.name}: {address.email}" for user in users for address in user.addresses]
