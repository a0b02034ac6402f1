from sqlalchemy.orm import Session

from .models import Address


def add_address(db: Session, user_id: int, email: str) -> tuple[str, str]:
    address = Address(email=email, user_id=user_id)
    db.add(address)
    db.commit()
    return address.email, address.owner_name
