from shop import service


def test_commit_stays_in_the_outer_transaction(connection, db):
    service.add_item(db, "a")
    assert service.count(db) == 1
    assert connection.in_transaction()


def test_label(connection, db):
    assert connection.label == "joined"
    assert service.count(db) == 0
