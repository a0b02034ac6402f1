from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import Address, User


def emails_before_and_after(db: Session, user_id: int) -> list[str]:
    user = db.get(User, user_id)
    before = [a.email for a in user.addresses]
    # Added through the foreign key, not appended: the loaded collection does not show it.
    db.add(Address(email="new@x.org", user_id=user_id))
    db.commit()
    # The sync session expired the user at the commit: this get re-reads it, and the collection.
    again = db.get(User, user_id)
    return before + [a.email for a in again.addresses]


def renamed(db: Session, user_id: int) -> list[str]:
    user = db.query(User).filter(User.id == user_id).one()
    old = user.name
    db.execute(
        update(User)
        .where(User.id == user_id)
        .values(name="renamed")
        .execution_options(synchronize_session=False)
    )
    db.commit()
    return [old, find(db, user_id).name]


def find(db: Session, user_id: int) -> User:
    # Called after a commit: the sync query refreshed the expired user from its row.
    return db.query(User).filter(User.id == user_id).one()
