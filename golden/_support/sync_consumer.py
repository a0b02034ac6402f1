"""A stand-in for a third-party library that runs sync on a connection it is handed (as Alembic's
``MigrationContext.configure(connection)`` does): it inspects it and runs statements on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text


class Report:
    """What the library found on the connection it was configured with."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    @classmethod
    def configure(cls, connection: Any) -> Report:
        return cls(connection)

    def tables(self) -> list[str]:
        return inspect(self.connection).get_table_names()

    def count(self, table: str) -> int:
        return self.connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
