from sqlalchemy.orm import Session

from .models import Address, User


def drop_address(db: Session, user_id: int, address_id: int) -> list[str]:
    # The session expires on commit: the collection read after the commit is loaded again,
    # without the address the commit deleted.
    db.expire_on_commit = True
    user = db.get(User, user_id)
    before = [a.email for a in user.addresses]
    db.delete(db.get(Address, address_id))
    db.commit()
    return before + [a.email for a in user.addresses]
