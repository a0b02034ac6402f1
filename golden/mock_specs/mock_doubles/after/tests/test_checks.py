from unittest.mock import MagicMock

from app import checks
import pytest
from sqlalchemy.ext.asyncio import AsyncSession


@pytest.mark.asyncio(loop_scope="session")
async def test_ping_on_a_mock_engine():
    engine = MagicMock()
    assert await checks.ping(engine)


@pytest.mark.asyncio(loop_scope="session")
async def test_count_on_a_plain_mock_session():
    db = MagicMock()
    await checks.count_named(db, "alice")
    db.execute.assert_called_once()


@pytest.mark.asyncio(loop_scope="session")
async def test_count_on_an_inline_mock():
    await checks.count_named(db=MagicMock(), name="bob")


@pytest.mark.asyncio(loop_scope="session")
async def test_count_on_a_specced_mock():
    db = MagicMock(spec=AsyncSession)
    await checks.count_named(db, MagicMock())
    db.execute.assert_called_once()
