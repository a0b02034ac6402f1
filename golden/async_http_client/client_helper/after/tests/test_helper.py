from shop import service
from tests.utils import create_item
import pytest


@pytest.mark.asyncio(loop_scope="session")
async def test_fixture_built_with_the_helper(db, created_pear):
    assert await service.find_name(db, created_pear["id"]) == "pear"


@pytest.mark.asyncio(loop_scope="session")
async def test_helper_called_by_the_test(db, client):
    item = await create_item(client, "kiwi")
    assert await service.find_name(db, item["id"]) == "kiwi"
