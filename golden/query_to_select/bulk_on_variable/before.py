from sqlalchemy.orm import Session

from golden_models import Address, User


def rename_or_add(session: Session, name, new_name, upsert):
    existing = session.query(User).filter(User.name == name).filter_by(age=30)
    user = existing.first()
    if user is None:
        session.add(User(name=new_name, age=1))
    elif upsert:
        existing.update({"name": new_name}, synchronize_session="evaluate")
    session.commit()
    return user is None


def drop_addresses(session: Session, user_id):
    mine = session.query(Address).filter(Address.user_id == user_id)
    mine = mine.filter(Address.email != "")
    found = mine.count()
    deleted = mine.delete(synchronize_session=False)
    return found, deleted


def joined_left(session: Session, name):
    q = session.query(User).join(User.addresses).filter(User.name == name)
    n = q.count()
    q.delete()
    return n
