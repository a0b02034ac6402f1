from shop import service
from tests.utils import create_item


def test_fixture_built_with_the_helper(db, created_pear):
    assert service.find_name(db, created_pear["id"]) == "pear"


def test_helper_called_by_the_test(db, client):
    item = create_item(client, "kiwi")
    assert service.find_name(db, item["id"]) == "kiwi"
