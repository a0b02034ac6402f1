from sqlalchemy import literal
from sqlalchemy.orm import Session, contains_eager

from golden_models import Address, User


def sliced(db: Session, start: int, stop: int):
    return db.query(User).order_by(User.id).slice(start, stop).all()


def any_named(db: Session, name: str):
    return (
        db.query(literal(True))
        .filter(db.query(User).filter(User.name == name).exists())
        .scalar()
    )


def eager_addresses(db: Session):
    return (
        db.query(User)
        .join(User.addresses)
        .options(contains_eager(User.addresses))
        .populate_existing()
        .order_by(User.id, Address.id)
        .all()
    )


def names_with_addresses(db: Session):
    has_address = (
        db.query(Address.id).filter(Address.user_id == User.id).correlate(User).exists()
    )
    return db.query(User.name).filter(has_address).order_by(User.id).all()
