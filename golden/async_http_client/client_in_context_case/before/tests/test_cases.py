import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shop import service
from tests.cases import ItemCase


@pytest.mark.parametrize("case_type", [ItemCase])
def test_seeded_items_are_served_then_cleaned(db: Session, client: TestClient, case_type: type[ItemCase]):
    case = case_type(db, client)
    with case:
        item_id = case.seed("plum")
        assert case.get(item_id).json()["name"] == "plum"
    assert service.find_name(db, item_id) is None
    assert client.get(f"/items/{item_id}").status_code == 404


def test_cleanup_runs_when_the_block_raises(db: Session, client: TestClient):
    with pytest.raises(LookupError):
        with ItemCase(db, client) as case:
            item_id = case.seed("fig")
            raise LookupError(item_id)
    assert service.find_name(db, item_id) is None
