import importlib
from types import ModuleType

import pytest
from sqlalchemy import create_engine, inspect


@pytest.fixture(name="module")
def get_module() -> ModuleType:
    mod = importlib.import_module("golden_models")
    mod.engine = create_engine("sqlite://")
    return mod


def test_tables(module: ModuleType):
    # ``module`` is what the fixture named "module" returns: its ``engine`` is the one the fixture
    # assigned, an AsyncEngine after the migration.
    assert inspect(module.engine).get_table_names() == []


def test_unrelated(get_module):
    # no fixture is named ``get_module``: nothing known about it, left as it is
    assert inspect(get_module.engine) is not None
