from fastapi import Depends
from sqlalchemy.orm import Session

from golden_models import User

from .database import get_db


def legacy_count(db: Session = Depends(get_db)) -> int:
    return db.query(User).count()
