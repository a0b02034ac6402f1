from sqlalchemy.orm import Session

from golden_models import User


def page(db: Session, page: int, size: int):
    return (
        db.query(User)
        .order_by(User.age.desc(), User.id)
        .offset((page - 1) * size)
        .limit(size)
        .all()
    )


def page_with_total(db: Session, page: int, size: int):
    q = db.query(User).filter(User.age >= 25)
    total = q.count()
    items = q.order_by(User.id).offset(page * size).limit(size).all()
    return total, items


def distinct_names(db: Session):
    return db.query(User.name).distinct().order_by(User.name).all()
