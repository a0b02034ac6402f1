from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import Item


async def add_item(db: AsyncSession, name: str) -> Item:
    item = Item(name=name)
    db.add(item)
    await db.commit()
    return item


async def count(db: AsyncSession) -> int:
    return await db.scalar(select(func.count(Item.id)))
