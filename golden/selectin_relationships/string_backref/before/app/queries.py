from sqlalchemy.orm import Session

from .models import Address, User


def owners(db: Session) -> list[tuple[str, str]]:
    return [
        (a.email, a.user.name) for a in db.query(Address).order_by(Address.id).all()
    ]


def emails_of(db: Session, user_id: int) -> list[str]:
    user = db.query(User).filter(User.id == user_id).one()
    return [a.email for a in user.addresses]


def add_address(db: Session, user_id: int, email: str) -> tuple[str, str]:
    address = Address(email=email, user_id=user_id)
    db.add(address)
    db.commit()
    return address.email, address.user.name
