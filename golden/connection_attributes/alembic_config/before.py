"""A connection handed to Alembic through its config (reported), beside one labelled (converted)."""

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session


class Config:
    """Stands for ``alembic.config.Config``: a place for ``attributes``."""

    def __init__(self):
        self.attributes = {}


def handed_to_alembic(session: Session):
    engine = create_engine("sqlite://")
    conn = engine.connect()
    cfg = Config()
    cfg.attributes["connection"] = conn
    conn.label = "migrations"
    value = conn.execute(text("select 1")).scalar()
    conn.close()
    engine.dispose()
    return value, conn.label
