from sqlalchemy.orm import Session

from golden_models import Address, User


def age_up(db: Session, age: int):
    return (
        db.query(User)
        .filter(User.age == age)
        .update({User.age: User.age + 1}, synchronize_session=False)
    )


def rename_all(db: Session, old: str, new: str):
    return db.query(User).filter_by(name=old).update({"name": new})


def drop_addresses(db: Session, user_id: int):
    return db.query(Address).filter(Address.user_id == user_id).delete()


def drop_addresses_fetch(db: Session, user_id: int):
    n = db.query(Address).filter_by(user_id=user_id).delete(synchronize_session="fetch")
    return n, db.query(Address.id).order_by(Address.id).all()
