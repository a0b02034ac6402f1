from sqlalchemy.orm import Session

from .models import User


def addresses_with_owner(db: Session, user_id: int) -> list[tuple[str, str]]:
    user = db.get(User, user_id)
    return [(a.email, a.user.name) for a in user.addresses]


def first_owner_name(db: Session, user_id: int) -> str:
    user = db.query(User).filter(User.id == user_id).first()
    return user.addresses[0].user.name
