import pytest

from app.legacy import legacy_users
from app.users import sqlite_users

FACTORIES = [(sqlite_users, "sqlite"), (legacy_users, "legacy")]


@pytest.fixture(params=FACTORIES)
def counted(request):
    factory, label = request.param
    return factory(None, label)
