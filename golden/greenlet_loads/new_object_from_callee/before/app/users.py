from sqlalchemy.orm import Session

from .models import Address, User


def create_user(db: Session, name: str) -> User:
    user = User(name=name, age=20)
    db.add(user)
    db.commit()
    return user


def register(db: Session, name: str) -> list[str]:
    user = create_user(db, name)
    user.addresses.append(Address(email=f"{name}@x.org"))
    user.addresses.append(Address(email=f"{name}@y.org"))
    db.commit()
    return [a.email for a in user.addresses]
