from sqlalchemy.orm import Session


def legacy_users(db: Session, name):
    return 0
