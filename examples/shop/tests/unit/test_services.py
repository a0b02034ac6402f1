"""OrderService called directly on a session: results, relationships and stock bookkeeping."""

import pytest

from app import schemas
from app.services import (
    InsufficientStockError,
    InvalidOrderError,
    NotFoundError,
    OrderService,
)


def line(product, quantity: int) -> schemas.OrderItemIn:
    return schemas.OrderItemIn(product_id=product.id, quantity=quantity)


def test_place_order_links_user_items_and_products(db, new_user, new_product):
    user = new_user()
    apple = new_product(price=1.5, stock=10)
    pear = new_product(price=2.0, stock=4)

    order = OrderService(db).place_order(user.id, [line(apple, 3), line(pear, 4)])

    assert order.status == "pending"
    assert order.user.email == user.email
    lines = sorted(
        (item.product.name, item.quantity, item.unit_price) for item in order.items
    )
    assert lines == sorted([(apple.name, 3, 1.5), (pear.name, 4, 2.0)])
    assert all(item.order is order for item in order.items)
    assert (apple.stock, pear.stock) == (7, 0)
    db.refresh(user, ["orders"])
    assert [o.id for o in user.orders] == [order.id]


def test_insufficient_stock_rolls_back(db, new_user, new_product):
    user_id = new_user().id
    plenty = new_product(stock=10)
    scarce = new_product(stock=1)
    service = OrderService(db)

    with pytest.raises(InsufficientStockError):
        service.place_order(user_id, [line(plenty, 2), line(scarce, 2)])

    # The service rolled back, which expired every object of the session: reload before reading.
    db.refresh(plenty)
    db.refresh(scarce)
    assert (plenty.stock, scarce.stock) == (10, 1)
    assert service.list_orders_for_user(user_id) == (0, [])


def test_same_product_twice_counts_against_stock(db, new_user, new_product):
    user = new_user()
    product = new_product(stock=3)
    with pytest.raises(InsufficientStockError):
        OrderService(db).place_order(user.id, [line(product, 2), line(product, 2)])
    db.refresh(product)
    assert product.stock == 3


def test_invalid_orders(db, new_user, new_product):
    user = new_user()
    product = new_product()
    service = OrderService(db)
    with pytest.raises(InvalidOrderError):
        service.place_order(user.id, [])
    with pytest.raises(NotFoundError):
        service.place_order(10**9, [line(product, 1)])
    with pytest.raises(NotFoundError):
        service.place_order(
            user.id, [schemas.OrderItemIn(product_id=10**9, quantity=1)]
        )
    assert service.get_order(10**9) is None
    with pytest.raises(NotFoundError):
        service.order_total(10**9)
    with pytest.raises(NotFoundError):
        service.list_orders_for_user(10**9)


def test_cancel_order_restores_stock_through_its_items(db, new_user, new_product):
    user = new_user()
    a = new_product(stock=5)
    b = new_product(stock=5)
    service = OrderService(db)
    order = service.place_order(user.id, [line(a, 2), line(b, 5)])
    assert b.stock == 0

    cancelled = service.cancel_order(order.id)

    assert cancelled.id == order.id
    assert cancelled.status == "cancelled"
    assert sorted(item.product.id for item in cancelled.items) == sorted([a.id, b.id])
    assert (a.stock, b.stock) == (5, 5)
    with pytest.raises(InvalidOrderError):
        service.cancel_order(order.id)
    assert a.stock == 5


def test_order_total_and_summary(db, new_user, new_product):
    user = new_user()
    a = new_product(price=2.25, stock=10)
    b = new_product(price=10.0, stock=10)
    service = OrderService(db)
    order = service.place_order(user.id, [line(a, 4), line(b, 1)])

    assert service.order_total(order.id) == 19.0
    assert service.order_summary(order.id) == {
        "order_id": order.id,
        "total": 19.0,
        "item_count": 5,
    }


def test_list_orders_for_user_newest_first(db, new_user, new_product):
    user = new_user()
    other = new_user()
    product = new_product(stock=50)
    service = OrderService(db)
    placed = [service.place_order(user.id, [line(product, n)]) for n in (1, 2, 3)]
    service.place_order(other.id, [line(product, 1)])

    total, orders = service.list_orders_for_user(user.id)
    assert total == 3
    assert [o.id for o in orders] == [o.id for o in reversed(placed)]
    assert [o.items[0].quantity for o in orders] == [3, 2, 1]
    assert {o.user.id for o in orders} == {user.id}

    total, page = service.list_orders_for_user(user.id, skip=1, limit=1)
    assert (total, [o.id for o in page]) == (3, [placed[1].id])
