from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import Address, User


def rename(db: Session, user_id: int, name: str) -> str:
    user = db.get(User, user_id)
    user.name = name
    db.add(user)
    db.commit()
    db.refresh(user)
    return user.name


def delete_addresses(db: Session, user_id: int) -> int:
    # AsyncSession.delete is a coroutine: without await the delete is silently lost.
    addresses = (
        db.execute(select(Address).where(Address.user_id == user_id)).scalars().all()
    )
    for address in addresses:
        db.delete(address)
    db.flush()
    return len(addresses)


def pending(db: Session) -> bool:
    db.add_all([User(id=9, name="zoe", age=5)])
    db.expunge_all()
    return db.in_transaction()
