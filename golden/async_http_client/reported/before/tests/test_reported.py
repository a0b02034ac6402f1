import unittest

from fastapi.testclient import TestClient

from shop import service
from shop.api import app
from shop.db import SessionLocal

client = TestClient(app)


def test_item_then_websocket():
    with SessionLocal() as db:
        item = service.add_item(db, "x")
    assert client.get(f"/items/{item.id}").status_code == 200
    with client.websocket_connect("/ws") as ws:
        ws.send_text("hi")


class ItemTest(unittest.TestCase):
    def setUp(self):
        self.client = TestClient(app)
        self.db = SessionLocal()

    def tearDown(self):
        self.db.close()

    def test_item(self):
        item = service.add_item(self.db, "y")
        assert self.client.get(f"/items/{item.id}").status_code == 200
