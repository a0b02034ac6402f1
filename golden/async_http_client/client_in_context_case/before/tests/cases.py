from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shop import service


class ItemCase:
    def __init__(self, db: Session, client: TestClient) -> None:
        self.db = db
        self.client = client
        self.ids: list[int] = []

    def seed(self, name: str) -> int:
        item = service.add_item(self.db, name)
        self.ids.append(item.id)
        return item.id

    def get(self, item_id: int):
        return self.client.get(f"/items/{item_id}")

    def cleanup(self) -> None:
        for item_id in self.ids:
            service.delete_item(self.db, item_id)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.cleanup()
