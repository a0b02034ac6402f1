import unittest

import pytest

from shop import service
from shop.db import SessionLocal


def test_add_user(db):
    user = service.add_user(db, "zoe")
    assert user.id is not None
    assert service.count(db) >= 1


def test_pure():
    assert 1 + 1 == 2


@pytest.mark.parametrize("name", ["a", "b"])
def test_names(db, name):
    assert service.add_user(db, name).name == name


class ServiceTest(unittest.TestCase):
    def setUp(self):
        self.db = SessionLocal()
        service.add_user(self.db, "setup")

    def tearDown(self):
        self.db.rollback()
        self.db.close()

    def test_count(self):
        self.assertGreaterEqual(service.count(self.db), 1)
