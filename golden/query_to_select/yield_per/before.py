from sqlalchemy.orm import Session, selectinload

from golden_models import User


def names(db: Session):
    found = []
    for user in db.query(User).order_by(User.id).yield_per(2):
        found.append(user.name)
    return found


def joined_ids(db: Session):
    # yield_per turns de-duplication off: user 1 comes twice, as in the legacy Query.
    ids = []
    for user in db.query(User).join(User.addresses).order_by(User.id).yield_per(2):
        ids.append(user.id)
    return ids


def older_rows(db: Session, age: int):
    out = []
    for row in (
        db.query(User.id, User.name)
        .filter(User.age > age)
        .order_by(User.id)
        .yield_per(1)
    ):
        out.append((row.id, row.name))
    return out


def address_counts(db: Session):
    counts = {}
    batch = 3
    for user in (
        db.query(User)
        .options(selectinload(User.addresses))
        .yield_per(batch)
        .order_by(User.id)
    ):
        counts[user.id] = len(user.addresses)
    return counts


def birthday(db: Session):
    for user in db.query(User).filter(User.age == 30).yield_per(10):
        user.age += 1


def collected(db: Session):
    # Not a for statement: reported.
    return [u.id for u in db.query(User).yield_per(2)]
