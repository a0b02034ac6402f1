from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import retry, stop_after_attempt

from golden_models import User


# tenacity's @retry wraps coroutine functions with AsyncRetrying: it keeps working once async.
@retry(stop=stop_after_attempt(3), reraise=True)
def load_user(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def user_name(db: Session, user_id: int) -> str | None:
    user = load_user(db, user_id)
    return user.name if user else None


def names(db: Session) -> list[str]:
    return list(db.scalars(select(User.name).order_by(User.id)))
