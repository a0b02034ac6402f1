from sqlalchemy.orm import Session

from golden_models import User


def rename(db: Session, user_id: int, name: str) -> tuple[int, str]:
    # Under the default policy the session keeps not expiring; its queries re-read instead.
    db.expire_on_commit = True
    user = db.get(User, user_id)
    user.name = name
    db.commit()
    return (user.id, user.name)
