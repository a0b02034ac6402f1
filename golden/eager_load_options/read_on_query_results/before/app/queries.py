from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Address, User


def emails_of(db: Session, user_id: int) -> list[str]:
    # Read in the same function: the query loads the collection.
    user = db.query(User).filter(User.id == user_id).one()
    return [a.email for a in user.addresses]


def _emails(user: User) -> list[str]:
    return [a.email for a in user.addresses]


def emails_by_id(db: Session, user_id: int) -> list[str]:
    # Read in a function the result is passed to.
    user = db.get(User, user_id)
    return _emails(user)


def owners(db: Session) -> list[tuple[str, str]]:
    # A many-to-one read on the rows of a select(): joined to it.
    return [(a.email, a.user.name) for a in db.scalars(select(Address).order_by(Address.id)).all()]


def names(db: Session) -> list[str]:
    # No relationship read: no option.
    return [u.name for u in db.query(User).order_by(User.id).all()]
