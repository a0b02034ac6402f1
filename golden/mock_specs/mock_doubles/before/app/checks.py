from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from golden_models import User


def count_named(db: Session, name: str) -> int:
    stmt = select(func.count()).select_from(User).where(User.name == name)
    return db.execute(stmt).scalar_one()


def ping(engine: Engine) -> bool:
    with Session(engine) as session:
        session.execute(select(1))
    return True
