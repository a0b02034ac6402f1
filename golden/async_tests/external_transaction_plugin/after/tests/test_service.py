from shop import service
import pytest


@pytest.mark.asyncio(loop_scope="session")
async def test_commit_stays_in_the_outer_transaction(connection, db):
    await service.add_item(db, "a")
    assert await service.count(db) == 1
    assert connection.in_transaction()


@pytest.mark.asyncio(loop_scope="session")
async def test_label(connection, db):
    assert connection.sync_connection.label == "joined"
    assert await service.count(db) == 0
