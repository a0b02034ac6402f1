from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import Item


async def add_item(db: AsyncSession, name: str) -> Item:
    item = Item(name=name)
    db.add(item)
    await db.commit()
    return item


async def find_name(db: AsyncSession, item_id: int) -> str | None:
    item = await db.get(Item, item_id, populate_existing=True)
    return None if item is None else item.name


async def delete_item(db: AsyncSession, item_id: int) -> None:
    item = await db.get(Item, item_id)
    await db.delete(item)
    await db.commit()
