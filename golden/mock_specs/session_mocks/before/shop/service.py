from sqlalchemy.orm import Session


def rename(db: Session, user: object, name: str) -> object:
    user.name = name
    db.add(user)
    db.commit()
    db.refresh(user)
    return user
