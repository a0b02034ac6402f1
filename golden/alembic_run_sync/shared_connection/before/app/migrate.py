"""Alembic driven from code: the project's migrations run on a connection the caller shares with
them (Alembic's "sharing a connection" recipe), or on an engine env.py builds from the URL."""

import os
import sqlite3
import tempfile

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")
TABLES = text("select name from sqlite_master where type = 'table' order by name")


def alembic_config(url):
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def run_migrations(cfg, revision="head"):
    command.upgrade(cfg, revision)


def undo_migrations(cfg):
    command.downgrade(config=cfg, revision="base")


def migrate_shared_connection(session: Session):
    engine = create_engine("sqlite://")
    conn = engine.connect()
    cfg = alembic_config("sqlite://")
    cfg.attributes["connection"] = conn
    run_migrations(cfg)
    migrated = conn.execute(TABLES).scalars().all()
    version = conn.execute(text("select version_num from alembic_version")).scalar_one()
    undo_migrations(cfg)
    undone = conn.execute(TABLES).scalars().all()
    handed_back = cfg.attributes["connection"] is conn
    conn.close()
    engine.dispose()
    return migrated, version, undone, handed_back


def migrate_own_engine(session: Session):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "app.sqlite")
        run_migrations(alembic_config(f"sqlite:///{path}"))
        db = sqlite3.connect(path)
        try:
            return [row[0] for row in db.execute(TABLES.text)]
        finally:
            db.close()
