import importlib
from types import ModuleType

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine


@pytest.fixture(name="module")
def get_module() -> ModuleType:
    mod = importlib.import_module("golden_models")
    mod.engine = create_async_engine("sqlite+aiosqlite://")
    return mod


@pytest.mark.asyncio(loop_scope="session")
async def test_tables(module: ModuleType):
    # ``module`` is what the fixture named "module" returns: its ``engine`` is the one the fixture
    # assigned, an AsyncEngine after the migration.
    async with module.engine.connect() as conn:
        assert (
            await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())
            == []
        )


def test_unrelated(get_module):
    # no fixture is named ``get_module``: nothing known about it, left as it is
    assert inspect(get_module.engine) is not None
