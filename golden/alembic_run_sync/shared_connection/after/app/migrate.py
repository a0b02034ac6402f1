"""Alembic driven from code: the project's migrations run on a connection the caller shares with
them (Alembic's "sharing a connection" recipe), or on an engine env.py builds from the URL."""

import os
import sqlite3
import tempfile

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine


async def _run_alembic(command, config, /, *args, **kwargs):
    """Run the Alembic command(config, ...), which runs sync. An AsyncConnection handed
    to it in config.attributes (where env.py reads it) runs it inside run_sync, with its
    sync Connection in its place while the command runs. Added by asyncify.
    """
    from sqlalchemy.ext.asyncio import AsyncConnection

    attributes = getattr(config, "attributes", None)
    handed = {
        key: value
        for key, value in (attributes if isinstance(attributes, dict) else {}).items()
        if isinstance(value, AsyncConnection)
    }
    if not handed:
        return command(config, *args, **kwargs)

    def run(_):
        for key, value in handed.items():
            config.attributes[key] = value.sync_connection
        try:
            return command(config, *args, **kwargs)
        finally:
            config.attributes.update(handed)

    return await next(iter(handed.values())).run_sync(run)


MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")
TABLES = text("select name from sqlite_master where type = 'table' order by name")


def alembic_config(url):
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


async def run_migrations(cfg, revision="head"):
    await _run_alembic(command.upgrade, cfg, revision)


async def undo_migrations(cfg):
    await _run_alembic(command.downgrade, cfg, revision="base")


async def migrate_shared_connection(session: AsyncSession):
    engine = create_async_engine("sqlite+aiosqlite://")
    conn = await engine.connect()
    cfg = alembic_config("sqlite://")
    cfg.attributes["connection"] = conn
    await run_migrations(cfg)
    migrated = (await conn.execute(TABLES)).scalars().all()
    version = (await conn.execute(text("select version_num from alembic_version"))).scalar_one()
    await undo_migrations(cfg)
    undone = (await conn.execute(TABLES)).scalars().all()
    handed_back = cfg.attributes["connection"] is conn
    await conn.close()
    await engine.dispose()
    return migrated, version, undone, handed_back


async def migrate_own_engine(session: AsyncSession):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "app.sqlite")
        await run_migrations(alembic_config(f"sqlite:///{path}"))
        db = sqlite3.connect(path)
        try:
            return [row[0] for row in db.execute(TABLES.text)]
        finally:
            db.close()
