from sqlalchemy.orm import Session

from golden_models import User


def rename(db: Session, user_id: int, name: str, expires: bool) -> tuple[bool, str]:
    # The project decides expiry itself (the policy keeps it): carried over to the sync session.
    db.expire_on_commit = expires
    user = db.get(User, user_id)
    user.name = name
    db.commit()
    return (db.expire_on_commit, user.name if not db.expire_on_commit else name)
