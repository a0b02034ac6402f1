from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.models import Item


def add_item(db: Session, name: str) -> Item:
    item = Item(name=name)
    db.add(item)
    db.commit()
    return item


def count(db: Session) -> int:
    return db.scalar(select(func.count(Item.id)))
