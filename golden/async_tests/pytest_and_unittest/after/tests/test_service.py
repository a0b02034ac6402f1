import unittest

import pytest

from shop import service
from shop.db import SessionLocal


@pytest.mark.asyncio(loop_scope="session")
async def test_add_user(db):
    user = await service.add_user(db, "zoe")
    assert user.id is not None
    assert await service.count(db) >= 1


def test_pure():
    assert 1 + 1 == 2


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("name", ["a", "b"])
async def test_names(db, name):
    assert (await service.add_user(db, name)).name == name


class ServiceTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.db = SessionLocal()
        await service.add_user(self.db, "setup")

    async def asyncTearDown(self):
        await self.db.rollback()
        await self.db.close()

    async def test_count(self):
        self.assertGreaterEqual(await service.count(self.db), 1)
