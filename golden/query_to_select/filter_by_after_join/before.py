from sqlalchemy.orm import Session, aliased

from golden_models import Address, User


def users_with_address(db: Session, address_id: int):
    # Legacy filter_by targets the last joined entity: this is addresses.id, not users.id.
    return db.query(User).join(Address).filter_by(id=address_id).all()


def users_by_email(db: Session, email: str):
    return (
        db.query(User)
        .join(Address, User.id == Address.user_id)
        .filter_by(email=email)
        .order_by(User.id)
        .all()
    )


def owners_named(db: Session, name: str):
    owner = aliased(User)
    return (
        db.query(Address)
        .join(owner, Address.user)
        .filter_by(name=name)
        .order_by(Address.id)
        .all()
    )
