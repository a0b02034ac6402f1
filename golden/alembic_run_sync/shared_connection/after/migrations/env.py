"""Alembic's environment: the connection handed in the config's attributes, else an engine of its own."""

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_online():
    connection = config.attributes.get("connection", None)
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=None)
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
        return
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
