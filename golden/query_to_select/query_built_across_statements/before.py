from sqlalchemy.orm import Session

from golden_models import Address, User


def search(db: Session, name: str | None = None, min_age: int | None = None):
    q = db.query(User)
    if name is not None:
        q = q.filter(User.name == name)
    if min_age is not None:
        q = q.filter(User.age >= min_age)
    return q.order_by(User.id).all()


def search_and_count(db: Session, with_address: bool):
    base = db.query(User)
    if with_address:
        base = base.join(User.addresses)
    total = base.count()
    first = base.order_by(User.id).first()
    return total, first


def escaping(db: Session):
    q = db.query(User).filter(User.age == 30)
    return helper(q)


def helper(q):
    return q.count()
