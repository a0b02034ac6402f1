from mylib.orm import Session, sessionmaker, scoped_session

Maker = sessionmaker(bind="x")
Scoped = scoped_session(Maker)


def build():
    return Session("x")
