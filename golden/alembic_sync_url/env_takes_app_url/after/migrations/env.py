from alembic import context
from sqlalchemy import create_engine

from app.database import DATABASE_URL
from sqlalchemy.engine import make_url


def run_migrations_online() -> None:
    connectable = create_engine(
        make_url(DATABASE_URL).set(drivername=make_url(DATABASE_URL).get_backend_name())
    )
    with connectable.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
