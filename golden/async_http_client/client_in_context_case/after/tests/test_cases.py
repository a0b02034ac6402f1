import pytest
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from shop import service
from tests.cases import ItemCase


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("case_type", [ItemCase])
async def test_seeded_items_are_served_then_cleaned(db: AsyncSession, client: TestClient, case_type: type[ItemCase]):
    case = case_type(db, client)
    async with case:
        item_id = await case.seed("plum")
        assert (await case.get(item_id)).json()["name"] == "plum"
    assert await service.find_name(db, item_id) is None
    assert (await client.get(f"/items/{item_id}")).status_code == 404


@pytest.mark.asyncio(loop_scope="session")
async def test_cleanup_runs_when_the_block_raises(db: AsyncSession, client: TestClient):
    with pytest.raises(LookupError):
        async with ItemCase(db, client) as case:
            item_id = await case.seed("fig")
            raise LookupError(item_id)
    assert await service.find_name(db, item_id) is None
