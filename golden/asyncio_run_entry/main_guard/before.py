import sys

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from golden_models import User


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def main() -> int:
    engine = create_engine("sqlite:///app.db")
    with Session(engine) as db:
        print(count_users(db))
    return 0


def helper() -> str:
    return "no database here"


if __name__ == "__main__":
    print(helper())
    sys.exit(main())
