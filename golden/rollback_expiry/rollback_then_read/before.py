from sqlalchemy.orm import Session

from golden_models import User


def rename_or_undo(db: Session, user_id: int, name: str) -> str:
    user = db.get(User, user_id)
    user.name = name
    if name == "undo":
        db.rollback()
        # Expired by the rollback: under asyncio this read must be preceded by a refresh.
        db.refresh(user)
    else:
        db.commit()
    return user.name
