from sqlalchemy.orm import Session

from golden_models import Address, User


def first_by_name(db: Session, name: str):
    # Two users are named "alice": first() must still return one (LIMIT 1).
    return db.query(User).filter(User.name == name).first()


def first_with_join(db: Session, name: str):
    return db.query(User).join(User.addresses).filter(User.name == name).first()


def first_email_row(db: Session, user_id: int):
    return (
        db.query(Address.email)
        .filter(Address.user_id == user_id)
        .order_by(Address.id)
        .first()
    )
