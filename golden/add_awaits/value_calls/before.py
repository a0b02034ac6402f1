"""Functions made async reach calls as values: looked up in a dict of actions, or run by a worker
whose class the plan cannot tell. Those calls await what they get only when it is a coroutine."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def rename_all(db: Session, suffix: str):
    for user in db.scalars(select(User).order_by(User.id)):
        user.name = user.name + suffix
    db.flush()
    return db.scalar(select(func.count(User.id)).where(User.name.endswith(suffix)))


def greet(db: Session, suffix: str):
    return "hello" + suffix


ACTIONS = {"rename": rename_all, "greet": greet}


def run_action(db: Session, name: str, suffix: str):
    action = ACTIONS[name]
    result = action(db, suffix)
    db.commit()
    return result


class Inline:
    def __init__(self, db: Session):
        self.db = db

    def execute(self, name, suffix):
        return run_action(self.db, name, suffix)


class Recorder:
    def execute(self, name, suffix):
        return f"recorded {name}"


def dispatch(db: Session, name: str, suffix: str, inline: bool):
    worker = Inline(db) if inline else Recorder()
    outcome = worker.execute(name, suffix)
    return outcome, db.scalar(select(func.count(User.id)).where(User.name.endswith(suffix)))
