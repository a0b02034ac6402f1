from sqlalchemy.orm import Session

from golden_models import Address, User


def count_filtered(db: Session, age: int):
    return db.query(User).filter(User.age == age).count()


def count_joined(db: Session):
    # Counts rows: 4 for the join, though all() would return 3 users.
    return db.query(User).join(User.addresses).count()


def count_distinct_names(db: Session):
    return db.query(User.name).distinct().count()


def count_groups(db: Session):
    return db.query(User.age).group_by(User.age).count()


def count_limited(db: Session, n: int):
    return db.query(Address).order_by(Address.id).limit(n).count()
