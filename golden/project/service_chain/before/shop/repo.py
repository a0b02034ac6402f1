from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


def find_by_name(db: Session, name: str) -> list[User]:
    return list(db.execute(select(User).where(User.name == name).order_by(User.id)).scalars())
