def test_place_order_decrements_stock(client, make_user, make_product):
    user = make_user()
    apple = make_product(price=1.5, stock=10)
    pear = make_product(price=2.0, stock=4)

    response = client.post(
        "/orders/",
        json={
            "user_id": user["id"],
            "items": [
                {"product_id": apple["id"], "quantity": 3},
                {"product_id": pear["id"], "quantity": 4},
            ],
        },
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["user_id"] == user["id"]
    assert order["status"] == "pending"
    lines = sorted(
        (i["product_id"], i["quantity"], i["unit_price"]) for i in order["items"]
    )
    assert lines == sorted([(apple["id"], 3, 1.5), (pear["id"], 4, 2.0)])
    assert client.get(f"/products/{apple['id']}").json()["stock"] == 7
    assert client.get(f"/products/{pear['id']}").json()["stock"] == 0

    fetched = client.get(f"/orders/{order['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == order


def test_insufficient_stock_rejected_and_nothing_changes(
    client, make_user, make_product
):
    user = make_user()
    plenty = make_product(stock=10)
    scarce = make_product(stock=1)

    response = client.post(
        "/orders/",
        json={
            "user_id": user["id"],
            "items": [
                {"product_id": plenty["id"], "quantity": 2},
                {"product_id": scarce["id"], "quantity": 2},
            ],
        },
    )
    assert response.status_code == 409
    assert client.get(f"/products/{plenty['id']}").json()["stock"] == 10
    assert client.get(f"/products/{scarce['id']}").json()["stock"] == 1
    assert client.get("/orders/", params={"user_id": user["id"]}).json()["total"] == 0


def test_same_product_twice_counts_against_stock(client, make_user, make_product):
    user = make_user()
    product = make_product(stock=3)
    response = client.post(
        "/orders/",
        json={
            "user_id": user["id"],
            "items": [
                {"product_id": product["id"], "quantity": 2},
                {"product_id": product["id"], "quantity": 2},
            ],
        },
    )
    assert response.status_code == 409
    assert client.get(f"/products/{product['id']}").json()["stock"] == 3


def test_invalid_orders(client, make_user, make_product, missing_id):
    user = make_user()
    product = make_product()
    empty = client.post("/orders/", json={"user_id": user["id"], "items": []})
    assert empty.status_code == 400
    one_line = [{"product_id": product["id"], "quantity": 1}]
    no_user = client.post("/orders/", json={"user_id": missing_id, "items": one_line})
    assert no_user.status_code == 404
    bad_line = [{"product_id": missing_id, "quantity": 1}]
    no_product = client.post(
        "/orders/", json={"user_id": user["id"], "items": bad_line}
    )
    assert no_product.status_code == 404
    assert client.get(f"/orders/{missing_id}").status_code == 404
    assert client.get(f"/orders/{missing_id}/total").status_code == 404
    assert client.post(f"/orders/{missing_id}/cancel").status_code == 404
    assert client.get("/orders/", params={"user_id": missing_id}).status_code == 404


def test_order_total(client, make_user, make_product, make_order):
    user = make_user()
    a = make_product(price=2.25, stock=10)
    b = make_product(price=10.0, stock=10)
    order = make_order(user["id"], (a["id"], 4), (b["id"], 1))

    response = client.get(f"/orders/{order['id']}/total")
    assert response.status_code == 200
    assert response.json() == {"order_id": order["id"], "total": 19.0, "item_count": 5}


def test_price_change_does_not_affect_existing_order(
    client, make_user, make_product, make_order
):
    user = make_user()
    product = make_product(price=5.0, stock=10)
    order = make_order(user["id"], (product["id"], 2))
    client.patch(f"/products/{product['id']}", json={"price": 50.0})
    assert client.get(f"/orders/{order['id']}/total").json()["total"] == 10.0


def test_list_orders_for_user_with_pagination(
    client, make_user, make_product, make_order
):
    user = make_user()
    other = make_user()
    product = make_product(stock=50)
    orders = [make_order(user["id"], (product["id"], n)) for n in (1, 2, 3)]
    make_order(other["id"], (product["id"], 1))

    page = client.get("/orders/", params={"user_id": user["id"]}).json()
    assert page["total"] == 3
    assert [o["id"] for o in page["items"]] == [o["id"] for o in reversed(orders)]
    assert all(len(o["items"]) == 1 for o in page["items"])

    second = client.get(
        "/orders/", params={"user_id": user["id"], "skip": 1, "limit": 1}
    ).json()
    assert second["total"] == 3
    assert [o["id"] for o in second["items"]] == [orders[1]["id"]]

    via_user = client.get(f"/users/{user['id']}/orders").json()
    assert [o["id"] for o in via_user] == [o["id"] for o in orders]
    assert [o["items"][0]["quantity"] for o in via_user] == [1, 2, 3]


def test_cancel_order_restores_stock(client, make_user, make_product, make_order):
    user = make_user()
    a = make_product(stock=5)
    b = make_product(stock=5)
    order = make_order(user["id"], (a["id"], 2), (b["id"], 5))
    assert client.get(f"/products/{b['id']}").json()["stock"] == 0

    response = client.post(f"/orders/{order['id']}/cancel")
    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert len(cancelled["items"]) == 2
    assert client.get(f"/products/{a['id']}").json()["stock"] == 5
    assert client.get(f"/products/{b['id']}").json()["stock"] == 5

    again = client.post(f"/orders/{order['id']}/cancel")
    assert again.status_code == 409
    assert client.get(f"/products/{a['id']}").json()["stock"] == 5


def test_orders_containing_product_are_not_duplicated(
    client, make_user, make_product, make_order
):
    user = make_user()
    product = make_product(stock=20)
    filler = make_product(stock=20)
    # the same product on two lines of one order: the join yields two rows for that order
    twice = make_order(user["id"], (product["id"], 1), (product["id"], 2))
    once = make_order(user["id"], (product["id"], 1), (filler["id"], 1))
    make_order(user["id"], (filler["id"], 1))

    response = client.get(f"/products/{product['id']}/orders")
    assert response.status_code == 200
    ids = [o["id"] for o in response.json()]
    assert ids == [twice["id"], once["id"]]
    assert client.get(f"/products/{product['id']}").json()["stock"] == 16
