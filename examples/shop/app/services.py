from typing import Iterable, Optional

from sqlalchemy.orm import Session

from . import crud, schemas
from .models import Order, OrderItem, Product


class OrderError(Exception):
    """Base class for order-processing failures."""


class NotFoundError(OrderError):
    pass


class InsufficientStockError(OrderError):
    pass


class InvalidOrderError(OrderError):
    pass


class OrderService:
    def __init__(self, db: Session):
        self.db = db

    def _get_product(self, product_id: int) -> Product:
        product = self.db.query(Product).filter(Product.id == product_id).first()
        if product is None:
            raise NotFoundError(f"Product {product_id} not found")
        return product

    def get_order(self, order_id: int) -> Optional[Order]:
        return self.db.query(Order).filter(Order.id == order_id).first()

    def _require_order(self, order_id: int) -> Order:
        order = self.get_order(order_id)
        if order is None:
            raise NotFoundError(f"Order {order_id} not found")
        return order

    def place_order(self, user_id: int, items: Iterable[schemas.OrderItemIn]) -> Order:
        user = crud.get_user(self.db, user_id)
        if user is None:
            raise NotFoundError(f"User {user_id} not found")
        lines = list(items)
        if not lines:
            raise InvalidOrderError("An order needs at least one item")

        order = Order(user_id=user.id, status="pending")
        try:
            for line in lines:
                product = self._get_product(line.product_id)
                if product.stock < line.quantity:
                    raise InsufficientStockError(
                        f"Only {product.stock} of {product.name} left"
                    )
                product.stock -= line.quantity
                order.items.append(
                    OrderItem(
                        product_id=product.id,
                        quantity=line.quantity,
                        unit_price=product.price,
                    )
                )
        except OrderError:
            self.db.rollback()
            raise

        self.db.add(order)
        self.db.flush()
        self.db.commit()
        self.db.refresh(order)
        return order

    def cancel_order(self, order_id: int) -> Order:
        order = self._require_order(order_id)
        if order.status == "cancelled":
            raise InvalidOrderError(f"Order {order_id} is already cancelled")
        for item in order.items:
            item.product.stock += item.quantity
        order.status = "cancelled"
        self.db.commit()
        self.db.refresh(order)
        return order

    def list_orders_for_user(
        self, user_id: int, skip: int = 0, limit: int = 100
    ) -> tuple[int, list[Order]]:
        if crud.get_user(self.db, user_id) is None:
            raise NotFoundError(f"User {user_id} not found")
        total = crud.count_orders_for_user(self.db, user_id)
        orders = crud.get_orders_for_user(self.db, user_id, skip=skip, limit=limit)
        return total, orders

    def order_total(self, order_id: int) -> float:
        order = self._require_order(order_id)
        return round(sum(item.quantity * item.unit_price for item in order.items), 2)

    def order_summary(self, order_id: int) -> dict:
        order = self._require_order(order_id)
        return {
            "order_id": order.id,
            "total": self.order_total(order.id),
            "item_count": sum(item.quantity for item in order.items),
        }
