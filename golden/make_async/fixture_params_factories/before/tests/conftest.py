import pytest

from app.users import memory_users, sqlite_users

FACTORIES = [(sqlite_users, "sqlite"), (memory_users, "memory")]


def serve(count, factory):
    yield factory.__name__, count


@pytest.fixture(params=FACTORIES)
def counted(request, db):
    factory, label = request.param
    yield from serve(factory(db, label), factory)
