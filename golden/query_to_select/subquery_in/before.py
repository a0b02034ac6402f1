from sqlalchemy import func
from sqlalchemy.orm import Session

from golden_models import Address, User


def users_with_addresses(db: Session):
    return (
        db.query(User)
        .filter(User.id.in_(db.query(Address.user_id)))
        .order_by(User.id)
        .all()
    )


def users_without_addresses(db: Session):
    return db.query(User.id).filter(~User.id.in_(db.query(Address.user_id))).all()


def address_counts(db: Session):
    counts = (
        db.query(Address.user_id, func.count(Address.id).label("n"))
        .group_by(Address.user_id)
        .subquery()
    )
    return (
        db.query(User.name, counts.c.n)
        .join(counts, User.id == counts.c.user_id)
        .order_by(User.id)
        .all()
    )
