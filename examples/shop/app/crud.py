from typing import Optional

from sqlalchemy import func
from sqlalchemy.orm import Session

from . import schemas
from .models import Order, OrderItem, Product, User


def get_user(db: Session, user_id: int) -> Optional[User]:
    return db.get(User, user_id)


def get_user_by_email(db: Session, email: str) -> Optional[User]:
    return db.query(User).filter(User.email == email).first()


def list_users(db: Session, skip: int = 0, limit: int = 100) -> list[User]:
    return db.query(User).order_by(User.id).offset(skip).limit(limit).all()


def list_user_emails(db: Session):
    return db.query(User.id, User.email).order_by(User.id).all()


def create_user(db: Session, user: schemas.UserCreate) -> User:
    db_user = User(email=user.email, name=user.name)
    db.add(db_user)
    db.commit()
    db.refresh(db_user)
    return db_user


def delete_user(db: Session, user: User) -> None:
    db.delete(user)
    db.commit()


def top_customers(db: Session, min_orders: int = 1):
    counts = (
        db.query(Order.user_id, func.count(Order.id).label("order_count"))
        .group_by(Order.user_id)
        .subquery()
    )
    return (
        db.query(User.id, User.email, counts.c.order_count)
        .join(counts, counts.c.user_id == User.id)
        .filter(counts.c.order_count >= min_orders)
        .order_by(counts.c.order_count.desc(), User.id)
        .all()
    )


def total_spent(db: Session, user_id: int) -> float:
    total = (
        db.query(func.sum(OrderItem.quantity * OrderItem.unit_price))
        .select_from(OrderItem)
        .join(Order, OrderItem.order_id == Order.id)
        .filter(Order.user_id == user_id, Order.status != "cancelled")
        .scalar()
    )
    return round(total or 0.0, 2)


def get_product(db: Session, product_id: int) -> Optional[Product]:
    return db.query(Product).filter(Product.id == product_id).first()


def get_product_by_name(db: Session, name: str) -> Optional[Product]:
    return db.query(Product).filter_by(name=name).one_or_none()


def list_products(
    db: Session, category: Optional[str] = None, skip: int = 0, limit: int = 100
) -> list[Product]:
    q = db.query(Product)
    if category:
        q = q.filter(Product.category == category)
    return q.order_by(Product.id).offset(skip).limit(limit).all()


def create_product(db: Session, product: schemas.ProductCreate) -> Product:
    db_product = Product(**product.model_dump())
    db.add(db_product)
    db.commit()
    db.refresh(db_product)
    return db_product


def update_product(
    db: Session, product: Product, changes: schemas.ProductUpdate
) -> Product:
    for field, value in changes.model_dump(exclude_unset=True).items():
        setattr(product, field, value)
    db.commit()
    db.refresh(product)
    return product


def product_is_ordered(db: Session, product_id: int) -> bool:
    return db.query(OrderItem).filter_by(product_id=product_id).count() > 0


def delete_product(db: Session, product: Product) -> None:
    db.delete(product)
    db.commit()


def count_products_by_category(db: Session):
    return (
        db.query(Product.category, func.count(Product.id))
        .group_by(Product.category)
        .order_by(Product.category)
        .all()
    )


def unsold_products(db: Session) -> list[Product]:
    return (
        db.query(Product)
        .filter(~Product.id.in_(db.query(OrderItem.product_id)))
        .order_by(Product.id)
        .all()
    )


def get_orders_for_user(
    db: Session, user_id: int, skip: int = 0, limit: int = 100
) -> list[Order]:
    return (
        db.query(Order)
        .filter_by(user_id=user_id)
        .order_by(Order.id.desc())
        .offset(skip)
        .limit(limit)
        .all()
    )


def count_orders_for_user(db: Session, user_id: int) -> int:
    return db.query(Order).filter(Order.user_id == user_id).count()


def orders_containing_product(db: Session, product_id: int) -> list[Order]:
    return (
        db.query(Order)
        .join(Order.items)
        .filter(OrderItem.product_id == product_id)
        .order_by(Order.id)
        .all()
    )
