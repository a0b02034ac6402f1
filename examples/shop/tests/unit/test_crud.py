"""crud functions called directly on a session."""

import uuid

from app import crud, schemas
from app.services import OrderService


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def line(product, quantity: int) -> schemas.OrderItemIn:
    return schemas.OrderItemIn(product_id=product.id, quantity=quantity)


def test_create_and_find_user(db, new_user):
    user = new_user(name="Bob")
    assert user.id is not None
    assert crud.get_user(db, user.id) is user
    assert crud.get_user_by_email(db, user.email).id == user.id
    assert crud.get_user_by_email(db, "nobody@example.com") is None
    assert user.id in [u.id for u in crud.list_users(db, limit=10**6)]
    assert (user.id, user.email) in [tuple(row) for row in crud.list_user_emails(db)]


def test_products_by_category(db, new_product):
    category = unique_name("books")
    created = [new_product(category=category) for _ in range(3)]
    other = new_product()

    listed = crud.list_products(db, category=category)
    assert [p.id for p in listed] == [p.id for p in created]
    page = crud.list_products(db, category=category, skip=1, limit=1)
    assert [p.id for p in page] == [created[1].id]
    assert (category, 3) in [tuple(row) for row in crud.count_products_by_category(db)]
    assert crud.get_product(db, other.id) is other
    assert crud.get_product_by_name(db, other.name).id == other.id
    assert crud.get_product_by_name(db, unique_name("missing")) is None


def test_update_and_delete_product(db, new_user, new_product):
    product = new_product(price=4.0, stock=3)
    updated = crud.update_product(db, product, schemas.ProductUpdate(stock=42))
    assert (updated.stock, updated.price) == (42, 4.0)

    assert crud.product_is_ordered(db, product.id) is False
    crud.delete_product(db, product)
    assert crud.get_product(db, product.id) is None

    ordered = new_product()
    OrderService(db).place_order(new_user().id, [line(ordered, 1)])
    assert crud.product_is_ordered(db, ordered.id) is True


def test_order_queries(db, new_user, new_product):
    user = new_user()
    product = new_product(price=2.5, stock=100)
    filler = new_product(stock=100)
    service = OrderService(db)
    twice = service.place_order(user.id, [line(product, 1), line(product, 2)])
    once = service.place_order(user.id, [line(product, 1), line(filler, 1)])
    service.place_order(user.id, [line(filler, 1)])

    assert crud.count_orders_for_user(db, user.id) == 3
    assert [o.id for o in crud.orders_containing_product(db, product.id)] == [
        twice.id,
        once.id,
    ]
    newest = crud.get_orders_for_user(db, user.id, limit=1)
    assert [item.product.name for item in newest[0].items] == [filler.name]


def test_spending_and_top_customers(db, new_user, new_product):
    loyal = new_user()
    casual = new_user()
    product = new_product(price=2.5, stock=100)
    service = OrderService(db)
    service.place_order(loyal.id, [line(product, 2)])
    service.place_order(loyal.id, [line(product, 4)])
    cancelled = service.place_order(loyal.id, [line(product, 10)])
    service.place_order(casual.id, [line(product, 1)])
    service.cancel_order(cancelled.id)

    assert crud.total_spent(db, loyal.id) == 15.0
    assert crud.total_spent(db, new_user().id) == 0
    top = {row[0]: tuple(row) for row in crud.top_customers(db, min_orders=3)}
    assert top[loyal.id] == (loyal.id, loyal.email, 3)
    assert casual.id not in top


def test_unsold_products(db, new_user, new_product):
    sold = new_product()
    unsold = new_product()
    OrderService(db).place_order(new_user().id, [line(sold, 1)])
    ids = {p.id for p in crud.unsold_products(db)}
    assert unsold.id in ids
    assert sold.id not in ids


def test_delete_user_removes_their_orders(db, new_user, new_product):
    user = new_user()
    product = new_product()
    order = OrderService(db).place_order(user.id, [line(product, 1)])
    order_id = order.id
    db.refresh(user, ["orders"])
    assert [o.id for o in user.orders] == [order_id]
    crud.delete_user(db, user)
    assert crud.get_user(db, user.id) is None
    assert OrderService(db).get_order(order_id) is None
