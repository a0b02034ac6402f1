from typing import Callable

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker


def get_engine(url: str):
    return create_engine(url)


def get_session_maker(bind) -> Callable[[], Session]:
    return sessionmaker(bind=bind)
