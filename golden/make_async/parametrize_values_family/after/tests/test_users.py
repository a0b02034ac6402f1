import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.users import count_fixed, count_named


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("counter, expected", [(count_named, 2), (count_fixed, 2)])
async def test_count(db: AsyncSession, counter, expected):
    count = await counter(db, "alice")
    assert count == expected


@pytest.mark.parametrize("counter", [count_named])
def test_named(db: AsyncSession, counter):
    # read, not called: the stored function is only named
    assert counter.__name__ == "count_named"
