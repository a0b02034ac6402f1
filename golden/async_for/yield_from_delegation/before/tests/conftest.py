import pytest
from sqlalchemy.orm import Session

from app.names import names_of_age


@pytest.fixture
def thirty(db: Session):
    # Delegates to a generator that becomes async: pytest only advances the fixture.
    yield from names_of_age(db, 30)
