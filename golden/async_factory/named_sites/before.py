from sqlalchemy.orm import Session

from golden_models import User


def load_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


class Greeting:
    def __init__(self, session: Session, user_id: int, word: str = "hi"):
        self.word = word
        self.user = load_user(session, user_id)
        self.known = self.user is not None

    def text(self) -> str:
        return f"{self.word} {self.user.name if self.known else 'stranger'}"


def greet(session: Session, user_id: int) -> str:
    return Greeting(session, user_id).text()


def greet_all(session: Session, ids: list[int]) -> list[str]:
    greetings = [Greeting(session, i, word="hey") for i in ids]
    return [g.text() for g in greetings if isinstance(g, Greeting)]
