from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from shop import service


class ItemCase:
    def __init__(self, db: AsyncSession, client: TestClient) -> None:
        self.db = db
        self.client = client
        self.ids: list[int] = []

    async def seed(self, name: str) -> int:
        item = await service.add_item(self.db, name)
        self.ids.append(item.id)
        return item.id

    async def get(self, item_id: int):
        return await self.client.get(f"/items/{item_id}")

    async def cleanup(self) -> None:
        for item_id in self.ids:
            await service.delete_item(self.db, item_id)

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        await self.cleanup()
