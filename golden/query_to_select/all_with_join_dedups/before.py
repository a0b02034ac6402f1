from sqlalchemy.orm import Session

from golden_models import Address, User


def users_with_addresses(db: Session):
    # The join yields 4 rows (user 1 twice); legacy Query returns 3 users.
    return db.query(User).join(User.addresses).order_by(User.id).all()


def users_and_emails(db: Session):
    # An entity with a column: rows, de-duplicated only as whole rows.
    return (
        db.query(User, Address.email)
        .join(User.addresses)
        .order_by(User.id, Address.id)
        .all()
    )


def user_address_pairs(db: Session):
    return (
        db.query(User, Address)
        .filter(User.id == Address.user_id, User.age == 30)
        .order_by(User.id, Address.id)
        .all()
    )


def names_of_joined(db: Session):
    # Columns only: no de-duplication (alice twice, and again for user 4).
    return db.query(User.name).join(User.addresses).order_by(User.name).all()
