from sqlalchemy.orm import Session, joinedload, selectinload

from golden_models import Address, User


def users_selectin(db: Session):
    users = db.query(User).options(selectinload(User.addresses)).order_by(User.id).all()
    return [(u.id, [a.id for a in u.addresses]) for u in users]


def users_joined(db: Session):
    # joinedload of a collection: 2.x raises without .unique().
    users = db.query(User).options(joinedload(User.addresses)).order_by(User.id).all()
    return [(u.id, [a.id for a in u.addresses]) for u in users]


def first_joined(db: Session, name: str):
    user = (
        db.query(User)
        .options(joinedload(User.addresses))
        .filter(User.name == name)
        .order_by(User.id)
        .first()
    )
    return None if user is None else [a.id for a in user.addresses]


def one_joined(db: Session, user_id: int):
    user = (
        db.query(User)
        .options(joinedload(User.addresses))
        .filter(User.id == user_id)
        .one()
    )
    return [a.id for a in user.addresses]


def address_owner(db: Session, address_id: int):
    address = (
        db.query(Address)
        .options(joinedload(Address.user))
        .filter_by(id=address_id)
        .one_or_none()
    )
    return None if address is None else address.user.name
