from typing import Optional

from sqlalchemy.orm import Session

from golden_models import User


def ranked(db: Session, name: Optional[str] = None):
    users = db.query(User).filter(User.age >= 30).order_by(User.id)
    if name:
        users = users.filter(User.name == name)
    ranks = []
    for rank, user in enumerate(users, 1):
        ranks.append((rank, user.name))
    return ranks


def listed(db: Session):
    names = list(db.query(User.name).order_by(User.name))
    return [tuple(row) for row in names], sorted(db.query(User.age))
