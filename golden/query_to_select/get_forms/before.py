from sqlalchemy.orm import Session, selectinload

from golden_models import User


def get_user(db: Session, user_id: int):
    return db.query(User).get(user_id)


def get_with_addresses(db: Session, user_id: int):
    user = db.query(User).options(selectinload(User.addresses)).get(user_id)
    return None if user is None else [a.id for a in user.addresses]


def get_fresh(db: Session, user_id: int):
    user = db.query(User).get(user_id)
    user.name = "changed"
    again = db.query(User).populate_existing().get(user_id)
    return again.name


def get_filtered(db: Session, user_id: int):
    return db.query(User).filter(User.age > 26).get(user_id)
