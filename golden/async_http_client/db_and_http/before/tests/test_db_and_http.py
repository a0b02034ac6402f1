from shop import service


def test_written_in_the_db_read_over_http(db, client):
    item = service.add_item(db, "pear")
    response = client.get(f"/items/{item.id}")
    assert response.json() == {"id": item.id, "name": "pear"}


def test_written_over_http_read_in_the_db(db, add_over_http):
    created = add_over_http("plum")
    assert service.find_name(db, created["id"]) == "plum"


def test_http_only_on_the_shared_client(client):
    assert client.get("/items/999999").status_code == 404
