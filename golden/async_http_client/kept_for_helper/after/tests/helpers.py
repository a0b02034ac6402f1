async def add(client, name):
    response = await client.post(f"/items/{name}")
    assert response.status_code == 200
    return response.json()
