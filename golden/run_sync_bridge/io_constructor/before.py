from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import Address, User


class Registration:
    def __init__(self, session: Session, name: str, email: str) -> None:
        # the constructor itself reads through the session it is handed
        query = select(User).filter_by(name=name).order_by(User.id)
        self.user = session.execute(query).scalars().first()
        self.address = Address(email=email, user_id=self.user.id)


class Repository:
    def __init__(self, session: Session, model: type[Registration] = Registration) -> None:
        self.session = session
        self.model = model

    def register(self, name: str, email: str) -> int:
        entry = self.model(session=self.session, name=name, email=email)
        self.session.add(entry.address)
        self.session.flush()
        return entry.address.id


def register_directly(db: Session, name: str, email: str) -> tuple[int, int]:
    entry = Registration(db, name, email)
    db.add(entry.address)
    db.flush()
    return entry.user.id, entry.address.id
