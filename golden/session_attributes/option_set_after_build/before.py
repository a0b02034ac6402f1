from sqlalchemy.orm import Session

from golden_models import User


def rename_keeping_loaded(db: Session, user_id: int, name: str) -> tuple[bool, str]:
    # The caller's session expires on commit; this unit of work keeps what it loaded.
    db.expire_on_commit = False
    user = db.get(User, user_id)
    user.name = name
    db.commit()
    return db.expire_on_commit, user.name
