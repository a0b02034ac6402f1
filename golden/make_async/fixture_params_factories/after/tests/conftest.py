import pytest

from app.users import memory_users, sqlite_users
import pytest_asyncio

FACTORIES = [(sqlite_users, "sqlite"), (memory_users, "memory")]


def serve(count, factory):
    yield factory.__name__, count


@pytest_asyncio.fixture(params=FACTORIES, loop_scope="session")
async def counted(request, db):
    factory, label = request.param
    for value in serve(await factory(db, label), factory):
        yield value
