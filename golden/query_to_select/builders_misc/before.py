from sqlalchemy import func
from sqlalchemy.orm import Session, aliased

from golden_models import Address, User


def emails_of(db: Session, name: str):
    return (
        db.query(User)
        .join(User.addresses)
        .filter(User.name == name)
        .with_entities(Address.email)
        .order_by(Address.id)
        .all()
    )


def users_with_email_count(db: Session):
    return (
        db.query(User)
        .outerjoin(User.addresses)
        .group_by(User.id)
        .add_columns(func.count(Address.id))
        .order_by(User.id)
        .all()
    )


def outer_filter_by(db: Session, email: str):
    return db.query(User).outerjoin(Address).filter_by(email=email).all()


def from_addresses(db: Session):
    return (
        db.query(User.name)
        .select_from(Address)
        .join(Address.user)
        .order_by(Address.id)
        .all()
    )


def distinct_users(db: Session):
    return db.query(User).join(User.addresses).distinct().order_by(User.id).all()


def address_count_column(db: Session):
    n = (
        db.query(func.count(Address.id))
        .filter(Address.user_id == User.id)
        .scalar_subquery()
    )
    return db.query(User.id, n).order_by(User.id).all()


def labelled(db: Session):
    top = db.query(func.max(User.age)).label("top")
    return db.query(User.id, top).filter(User.id < 3).order_by(User.id).all()


def via_cte(db: Session):
    older = db.query(User.id).filter(User.age >= 30).cte("older")
    return db.query(User).join(older, User.id == older.c.id).order_by(User.id).all()


def self_join(db: Session):
    other = aliased(User)
    return (
        db.query(User, other)
        .join(other, (User.name == other.name) & (User.id < other.id))
        .all()
    )


def refreshed(db: Session, user_id: int):
    user = db.get(User, user_id)
    user.age = 1
    db.flush()
    user.age = 2
    again = db.query(User).populate_existing().filter(User.id == user_id).one()
    return again.age


def built_then_iterated(db: Session, name: str):
    q = db.query(User).order_by(User.id)
    q = q.filter(User.name == name)
    first_two = q[0:2]
    second = q[1]
    return [u.id for u in q], first_two, second, db.execute(q.statement).all()
