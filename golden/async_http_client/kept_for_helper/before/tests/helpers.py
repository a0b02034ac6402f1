def add(client, name):
    response = client.post(f"/items/{name}")
    assert response.status_code == 200
    return response.json()
