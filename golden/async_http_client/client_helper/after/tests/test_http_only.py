import pytest

from shop.api import app
from tests.utils import create_item
import httpx
import pytest_asyncio


@pytest_asyncio.fixture(loop_scope="session")
async def plain():
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        follow_redirects=True,
    ) as c:
        yield c


@pytest.mark.asyncio(loop_scope="session")
async def test_missing_item(plain):
    assert (await plain.get("/items/0")).status_code == 404


@pytest.mark.asyncio(loop_scope="session")
async def test_helper_on_a_plain_client(plain):
    assert (await create_item(plain, "fig"))["name"] == "fig"
