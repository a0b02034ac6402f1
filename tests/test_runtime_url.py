"""The helper that converts an engine URL known only at run time (issue 12 class 1), executed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from sqla_asyncify.codemods.runtime_url import HELPER, helper_source


def helper(async_drivers: dict[str, str] | None = None) -> Any:
    namespace: dict[str, Any] = {}
    exec(helper_source(async_drivers or {}), namespace)
    return namespace[HELPER]


class Dsn(str):
    """A settings URL type that is a ``str`` subclass (pydantic v1's ``PostgresDsn``)."""


def test_sync_drivers_become_async_and_async_ones_pass_through() -> None:
    convert = helper()
    assert convert("sqlite:///./app.db").drivername == "sqlite+aiosqlite"
    assert convert(Dsn("postgresql://app:secret@db:5432/app")).render_as_string(hide_password=False) == (
        "postgresql+asyncpg://app:secret@db:5432/app"
    )
    assert convert("postgresql+psycopg2://db/app").drivername == "postgresql+asyncpg"
    assert convert("mysql+pymysql://db/app").drivername == "mysql+aiomysql"
    assert convert("postgresql+asyncpg://db/app").drivername == "postgresql+asyncpg"
    # A URL object keeps its password (str() of a URL would hide it).
    url = make_url("postgresql://app:secret@db/app")
    assert convert(url).password == "secret"


def test_the_configured_async_driver_is_used() -> None:
    assert helper({"postgresql": "psycopg"})("postgresql://db/app").drivername == "postgresql+psycopg"


def test_a_database_with_no_known_async_driver_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="oracle\\+cx_oracle"):
        helper()("oracle+cx_oracle://scott:tiger@tns")
