def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_create_and_get_user(client, unique):
    email = f"{unique('alice')}@example.com"
    response = client.post("/users/", json={"email": email, "name": "Alice"})
    assert response.status_code == 201
    created = response.json()
    assert created["email"] == email
    assert created["name"] == "Alice"
    assert isinstance(created["id"], int)
    assert created["created_at"]

    fetched = client.get(f"/users/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_duplicate_email_conflicts(client, make_user):
    user = make_user()
    response = client.post("/users/", json={"email": user["email"], "name": "Other"})
    assert response.status_code == 409


def test_missing_user_is_404(client, missing_id):
    assert client.get(f"/users/{missing_id}").status_code == 404
    assert client.get(f"/users/{missing_id}/orders").status_code == 404
    assert client.get(f"/users/{missing_id}/spent").status_code == 404
    assert client.delete(f"/users/{missing_id}").status_code == 404


def test_list_users_pagination(client, make_user):
    created = [make_user(name=f"Pager {i}") for i in range(3)]

    everyone = client.get("/users/", params={"limit": 500}).json()
    ids = [u["id"] for u in everyone]
    assert ids == sorted(ids)
    assert {u["id"] for u in created} <= set(ids)

    start = ids.index(created[0]["id"])
    page = client.get("/users/", params={"skip": start, "limit": 2}).json()
    assert [u["id"] for u in page] == [created[0]["id"], created[1]["id"]]
    next_page = client.get("/users/", params={"skip": start + 1, "limit": 2}).json()
    assert [u["id"] for u in next_page] == [created[1]["id"], created[2]["id"]]


def test_list_user_emails(client, make_user):
    user = make_user()
    rows = client.get("/users/emails").json()
    assert {"id": user["id"], "email": user["email"]} in rows
    assert all(set(row) == {"id", "email"} for row in rows)


def test_delete_user_removes_user_and_orders(
    client, make_user, make_product, make_order
):
    user = make_user()
    product = make_product(stock=5)
    order = make_order(user["id"], (product["id"], 1))

    response = client.delete(f"/users/{user['id']}")
    assert response.status_code == 204
    assert client.get(f"/users/{user['id']}").status_code == 404
    assert client.get(f"/orders/{order['id']}").status_code == 404


def test_top_customers_and_spent(client, make_user, make_product, make_order):
    loyal = make_user()
    casual = make_user()
    product = make_product(price=2.5, stock=100)
    make_order(loyal["id"], (product["id"], 2))
    make_order(loyal["id"], (product["id"], 4))
    cancelled = make_order(loyal["id"], (product["id"], 10))
    make_order(casual["id"], (product["id"], 1))
    assert client.post(f"/orders/{cancelled['id']}/cancel").status_code == 200

    top = client.get("/users/top-customers", params={"min_orders": 3}).json()
    by_id = {row["id"]: row for row in top}
    assert by_id[loyal["id"]] == {
        "id": loyal["id"],
        "email": loyal["email"],
        "order_count": 3,
    }
    assert casual["id"] not in by_id
    counts = [row["order_count"] for row in top]
    assert counts == sorted(counts, reverse=True)

    spent = client.get(f"/users/{loyal['id']}/spent").json()
    assert spent == {"user_id": loyal["id"], "order_count": 3, "spent": 15.0}

    fresh = make_user()
    assert client.get(f"/users/{fresh['id']}/spent").json()["spent"] == 0
