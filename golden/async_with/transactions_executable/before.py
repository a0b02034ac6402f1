from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import Address, User


def rename(session: Session, user_id, name):
    with session.begin():
        user = session.get(User, user_id)
        user.name = name
    return user.name


def add_address(session: Session, user_id, email):
    with session.begin():
        with session.begin_nested():
            session.add(Address(user_id=user_id, email=email))
    return session.scalars(select(Address.email).where(Address.user_id == user_id).order_by(Address.id)).all()


def failed_nested(session: Session, user_id):
    with session.begin():
        try:
            with session.begin_nested():
                session.add(Address(user_id=user_id, email="gone@example.com"))
                raise ValueError("roll back the savepoint")
        except ValueError:
            pass
    return session.scalars(select(Address.id).where(Address.user_id == user_id).order_by(Address.id)).all()
