"""One test, two doors: data written through the service layer is read over HTTP, and back."""

from app import crud, schemas
from app.services import OrderService


def test_order_placed_by_the_service_is_served_over_http(
    db, api, new_user, new_product
):
    user = new_user()
    product = new_product(price=3.0, stock=5)
    order = OrderService(db).place_order(
        user.id, [schemas.OrderItemIn(product_id=product.id, quantity=2)]
    )

    response = api.get(f"/orders/{order.id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["user_id"], body["status"]) == (user.id, "pending")
    assert body["items"] == [
        {"product_id": product.id, "quantity": 2, "unit_price": 3.0}
    ]
    assert api.get(f"/orders/{order.id}/total").json() == {
        "order_id": order.id,
        "total": 6.0,
        "item_count": 2,
    }
    assert api.get(f"/products/{product.id}").json()["stock"] == 3
    assert [o["id"] for o in api.get(f"/users/{user.id}/orders").json()] == [order.id]


def test_order_placed_over_http_is_loaded_by_the_service(
    db, api, new_user, new_product
):
    user = new_user()
    product = new_product(price=4.0, stock=3)
    response = api.post(
        "/orders/",
        json={"user_id": user.id, "items": [{"product_id": product.id, "quantity": 2}]},
    )
    assert response.status_code == 201, response.text
    order_id = response.json()["id"]

    service = OrderService(db)
    order = service.get_order(order_id)
    assert order.user.id == user.id
    assert [(item.product.id, item.quantity) for item in order.items] == [
        (product.id, 2)
    ]
    db.refresh(product)
    assert product.stock == 1

    service.cancel_order(order_id)
    assert api.get(f"/orders/{order_id}").json()["status"] == "cancelled"
    assert api.get(f"/products/{product.id}").json()["stock"] == 3


def test_user_deleted_over_http_is_gone_for_crud(db, api, new_user):
    user = new_user()
    assert api.delete(f"/users/{user.id}").status_code == 204
    assert crud.get_user_by_email(db, user.email) is None
