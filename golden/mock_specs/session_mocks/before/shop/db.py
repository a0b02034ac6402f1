from sqlalchemy.orm import Session


def make_session(bind: object) -> Session:
    return Session(bind=bind)
