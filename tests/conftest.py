import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test helpers (golden_harness) import as top-level modules.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def finalize_leftovers() -> Iterator[None]:
    """For tests that provoke MissingGreenlet on purpose: the aiosqlite coroutine SQLAlchemy could
    not await stays unawaited until collected. Collect it when the test ends, not inside a later
    test, where its RuntimeWarning's traceback formatting would call ``ast.parse`` from within a
    running ``ast.parse`` (CPython 3.11: "AST constructor recursion depth mismatch")."""
    yield
    gc.collect()
