import unittest

from fastapi.testclient import TestClient

from shop import service
from shop.api import app
from shop.db import SessionLocal
import httpx
import pytest

client = httpx.AsyncClient(
    transport=httpx.ASGITransport(app=app),
    base_url="http://testserver",
    follow_redirects=True,
)


@pytest.mark.asyncio(loop_scope="session")
async def test_item_then_websocket():
    async with SessionLocal() as db:
        item = await service.add_item(db, "x")
    assert (await client.get(f"/items/{item.id}")).status_code == 200
    with client.websocket_connect("/ws") as ws:
        ws.send_text("hi")


class ItemTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.client = TestClient(app)
        self.db = SessionLocal()

    async def asyncTearDown(self):
        await self.db.close()

    async def test_item(self):
        item = await service.add_item(self.db, "y")
        assert self.client.get(f"/items/{item.id}").status_code == 200
