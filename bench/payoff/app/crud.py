from sqlalchemy import func
from sqlalchemy.orm import Session

from .models import Item, Review, User


def get_user(db: Session, user_id: int) -> User | None:
    return db.query(User).filter(User.id == user_id).first()


def list_items(db: Session, category: str, min_price: float, skip: int, limit: int) -> list[Item]:
    return (
        db.query(Item)
        .filter(Item.category == category, Item.price >= min_price)
        .order_by(Item.id.desc())
        .offset(skip)
        .limit(limit)
        .all()
    )


def top_sellers(db: Session, category: str, limit: int):
    return (
        db.query(
            User.id,
            User.name,
            func.count(Item.id),
            func.sum(Item.price * Item.stock),
            func.avg(Review.rating),
        )
        .join(Item, Item.owner_id == User.id)
        .outerjoin(Review, Review.item_id == Item.id)
        .filter(Item.category == category)
        .group_by(User.id, User.name)
        .order_by(func.count(Item.id).desc(), User.id)
        .limit(limit)
        .all()
    )


def set_stock(db: Session, item_id: int, stock: int) -> Item | None:
    item = db.get(Item, item_id)
    if item is None:
        return None
    item.stock = stock
    db.commit()
    db.refresh(item)
    return item
