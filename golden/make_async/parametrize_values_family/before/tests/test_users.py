import pytest
from sqlalchemy.orm import Session

from app.users import count_fixed, count_named


@pytest.mark.parametrize("counter, expected", [(count_named, 2), (count_fixed, 2)])
def test_count(db: Session, counter, expected):
    count = counter(db, "alice")
    assert count == expected


@pytest.mark.parametrize("counter", [count_named])
def test_named(db: Session, counter):
    # read, not called: the stored function is only named
    assert counter.__name__ == "count_named"
