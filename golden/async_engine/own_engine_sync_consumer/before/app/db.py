from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User
from sync_consumer import Report

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def table_sizes() -> dict[str, int]:
    """A connection of an engine of its own goes to sync code outside SQLAlchemy."""
    own = create_engine("sqlite:///app.db")
    with own.connect() as conn:
        report = Report.configure(conn)
        return {table: report.count(table) for table in report.tables()}


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def summary() -> str:
    with SessionLocal() as db:
        sizes = table_sizes()
        return f"{count_users(db)} users; tables {sorted(sizes.items())}"
