from fastapi.testclient import TestClient


def create_item(client: TestClient, name: str) -> dict:
    response = client.post(f"/items/{name}")
    assert response.status_code == 200
    return response.json()
