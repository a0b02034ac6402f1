from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import Address


def emails_of(db: Session, user_id: int) -> list[str]:
    stmt = select(Address.email).where(Address.user_id == user_id).order_by(Address.id)
    return list(db.scalars(stmt))
