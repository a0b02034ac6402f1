from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


class Greeter:
    def __init__(self, db, greeting: str) -> None:
        self.db = db
        self.greeting = greeting


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def greeting_for(db: Session, greeting: str) -> str:
    greeter = Greeter(db, greeting)
    return f"{greeter.greeting}, {count_users(db)} users"


def anonymous_greeting(greeting: str) -> str:
    return Greeter(None, greeting).greeting
