from sqlalchemy.orm import Session

from golden_models import Address, User


def names_in_order(db: Session):
    names = []
    for user in db.query(User).order_by(User.id):
        names.append(user.name)
    return names


def joined_users(db: Session):
    # Iteration de-duplicates too: user 1 once.
    return [u.id for u in db.query(User).join(User.addresses).order_by(User.id)]


def email_rows(db: Session):
    return [
        row for row in db.query(Address.user_id, Address.email).order_by(Address.id)
    ]
