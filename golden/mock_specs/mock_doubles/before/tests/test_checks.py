from unittest.mock import MagicMock

from sqlalchemy.orm import Session

from app import checks


def test_ping_on_a_mock_engine():
    engine = MagicMock()
    assert checks.ping(engine)


def test_count_on_a_plain_mock_session():
    db = MagicMock()
    checks.count_named(db, "alice")
    db.execute.assert_called_once()


def test_count_on_an_inline_mock():
    checks.count_named(db=MagicMock(), name="bob")


def test_count_on_a_specced_mock():
    db = MagicMock(spec=Session)
    checks.count_named(db, MagicMock())
    db.execute.assert_called_once()
