from sqlalchemy.orm import Session

from shop.models import Item


def add_item(db: Session, name: str) -> Item:
    item = Item(name=name)
    db.add(item)
    db.commit()
    return item


def find_name(db: Session, item_id: int) -> str | None:
    item = db.get(Item, item_id)
    return None if item is None else item.name


def delete_item(db: Session, item_id: int) -> None:
    item = db.get(Item, item_id)
    db.delete(item)
    db.commit()
