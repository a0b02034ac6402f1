from shop import service
from shop.api import events


def test_lifespan_around_each_block(db, client):
    item = service.add_item(db, "a")
    assert client.get(f"/items/{item.id}").status_code == 200
    assert events == []
    with client:
        assert events == ["startup"]
        assert client.get(f"/items/{item.id}").json()["name"] == "a"
    assert events == ["startup", "shutdown"]
    # the client is entered again: TestClient runs the lifespan again and stays usable after
    with client as again:
        assert again is client
        assert again.get(f"/items/{item.id}").status_code == 200
    assert events == ["startup", "shutdown", "startup", "shutdown"]
    assert client.get(f"/items/{item.id}").json() == {"id": item.id, "name": "a"}


def test_lifespan_in_a_helper(db, client):
    item = service.add_item(db, "b")
    assert read_in_lifespan(client, item.id) == "b"
    assert events == ["startup", "shutdown"]


def read_in_lifespan(client, item_id):
    with client:
        return client.get(f"/items/{item_id}").json()["name"]
