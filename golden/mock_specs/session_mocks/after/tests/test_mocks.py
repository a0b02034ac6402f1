from types import SimpleNamespace
from unittest.mock import MagicMock, create_autospec, patch

from shop import db as shop_db
from shop import service
import pytest
from sqlalchemy.ext.asyncio import AsyncSession


@pytest.mark.asyncio(loop_scope="session")
async def test_rename_commits_and_refreshes():
    db = MagicMock(spec=AsyncSession)
    user = SimpleNamespace(name="a")
    assert (await service.rename(db, user, "b")).name == "b"
    db.add.assert_called_once_with(user)
    db.commit.assert_called_once()
    db.refresh.assert_called_once_with(user)


@pytest.mark.asyncio(loop_scope="session")
async def test_autospec_session():
    db = create_autospec(AsyncSession, instance=True)
    await service.rename(db, SimpleNamespace(name="a"), "c")
    db.commit.assert_called_once()


def test_patch_target_follows_the_rename():
    with patch("shop.db.AsyncSession") as factory:
        assert shop_db.make_session("engine") is factory.return_value
        factory.assert_called_once_with(bind="engine", expire_on_commit=False)
