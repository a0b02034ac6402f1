import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.names import names_of_age
import pytest_asyncio


@pytest_asyncio.fixture(loop_scope="session")
async def thirty(db: AsyncSession):
    # Delegates to a generator that becomes async: pytest only advances the fixture.
    async for item in names_of_age(db, 30):
        yield item
