def test_create_and_get_product(client, unique):
    payload = {"name": unique("widget"), "price": 9.99, "stock": 7, "category": "tools"}
    response = client.post("/products/", json=payload)
    assert response.status_code == 201
    product = response.json()
    assert {k: product[k] for k in payload} == payload

    fetched = client.get(f"/products/{product['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == product


def test_duplicate_product_name_conflicts(client, make_product):
    product = make_product()
    response = client.post(
        "/products/",
        json={"name": product["name"], "price": 1.0, "stock": 1, "category": "x"},
    )
    assert response.status_code == 409


def test_missing_product_is_404(client, missing_id):
    assert client.get(f"/products/{missing_id}").status_code == 404
    assert client.patch(f"/products/{missing_id}", json={"stock": 1}).status_code == 404
    assert client.get(f"/products/{missing_id}/orders").status_code == 404
    assert client.delete(f"/products/{missing_id}").status_code == 404


def test_list_products_by_category_with_pagination(client, make_product, unique):
    category = unique("books")
    created = [make_product(category=category) for _ in range(5)]
    other = make_product()

    listed = client.get("/products/", params={"category": category}).json()
    assert [p["id"] for p in listed] == [p["id"] for p in created]
    assert other["id"] not in {p["id"] for p in listed}

    page = client.get(
        "/products/", params={"category": category, "skip": 1, "limit": 2}
    ).json()
    assert [p["id"] for p in page] == [created[1]["id"], created[2]["id"]]

    unfiltered = client.get("/products/", params={"limit": 500}).json()
    assert {other["id"], created[0]["id"]} <= {p["id"] for p in unfiltered}


def test_update_product_stock(client, make_product):
    product = make_product(stock=3, price=4.0)
    response = client.patch(f"/products/{product['id']}", json={"stock": 42})
    assert response.status_code == 200
    updated = response.json()
    assert updated["stock"] == 42
    assert updated["price"] == 4.0
    assert updated["name"] == product["name"]
    assert client.get(f"/products/{product['id']}").json()["stock"] == 42

    assert (
        client.patch(f"/products/{product['id']}", json={"stock": -1}).status_code
        == 422
    )


def test_category_counts(client, make_product, unique):
    first, second = unique("cat-a"), unique("cat-b")
    for _ in range(3):
        make_product(category=first)
    make_product(category=second)

    rows = client.get("/products/categories").json()
    counts = {row["category"]: row["count"] for row in rows}
    assert counts[first] == 3
    assert counts[second] == 1
    categories = [row["category"] for row in rows]
    assert categories == sorted(categories)


def test_unsold_products(client, make_user, make_product, make_order):
    user = make_user()
    sold = make_product()
    unsold = make_product()
    make_order(user["id"], (sold["id"], 1))

    ids = {p["id"] for p in client.get("/products/unsold").json()}
    assert unsold["id"] in ids
    assert sold["id"] not in ids


def test_delete_product(client, make_user, make_product, make_order):
    product = make_product()
    assert client.delete(f"/products/{product['id']}").status_code == 204
    assert client.get(f"/products/{product['id']}").status_code == 404

    ordered = make_product()
    make_order(make_user()["id"], (ordered["id"], 1))
    assert client.delete(f"/products/{ordered['id']}").status_code == 409
    assert client.get(f"/products/{ordered['id']}").status_code == 200
