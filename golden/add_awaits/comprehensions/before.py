from sqlalchemy.orm import Session

from golden_models import Address, User


def age_of(db: Session, user_id: int) -> int:
    return db.get(User, user_id).age


def names(db: Session):
    return sorted(n for (n,) in db.query(User.name).all())


def total_age(db: Session):
    return sum(u.age for u in db.query(User).all())


def ages(db: Session, ids: tuple[int, ...]):
    return sum(age_of(db, i) for i in ids)


def emails(db: Session, user_id: int):
    return ", ".join(a.email for a in db.query(Address).filter_by(user_id=user_id))


def longest_owner_name(db: Session):
    return max(
        len(db.get(User, a.user_id).name)
        for a in db.query(Address).order_by(Address.id)
    )


def grouped(db: Session):
    return [
        [n for (n,) in db.query(User.name).filter(User.age == age).order_by(User.id)]
        for age in (25, 30)
    ]


def any_old(db: Session, ids: tuple[int, ...]):
    return any(db.get(User, i).age > 35 for i in ids)


def old_and_names(db: Session, ids: tuple[int, ...]):
    return any_old(db, ids), names(db)
