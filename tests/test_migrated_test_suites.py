"""Migrated test suites run: golden cases with a ``tests/`` folder pass before (sync) and after (async)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden_harness import GOLDEN

CASES = {
    "pytest_and_unittest": (GOLDEN / "async_tests" / "pytest_and_unittest", "5 passed"),
    "session_mocks": (GOLDEN / "mock_specs" / "session_mocks", "3 passed"),
    # db fixture and HTTP client in one test: the client becomes an httpx.AsyncClient on one loop.
    "db_and_http": (GOLDEN / "async_http_client" / "db_and_http", "5 passed"),
    "client_forms": (GOLDEN / "async_http_client" / "client_forms", "5 passed"),
    # a helper taking `client: TestClient`, called by tests and a sync fixture: converts with the client
    "client_helper": (GOLDEN / "async_http_client" / "client_helper", "4 passed"),
    # a test-case class built with the client (kept in `self.client`) and entered with `with`, its
    # `__exit__` cleaning up through code made async: an async context manager, the cleanup awaited
    "client_in_context_case": (GOLDEN / "async_http_client" / "client_in_context_case", "2 passed"),
    # `with client:` on a fixture's client (twice, and through a helper): the app's lifespan around
    # each block, the client left open as TestClient left it
    "lifespan_block": (GOLDEN / "async_http_client" / "lifespan_block", "2 passed"),
    # fixtures from a `pytest_plugins` module: sessions joined into an external transaction on one
    # connection (begun and rolled back by hand), an attribute of the project's own on it
    "external_transaction_plugin": (GOLDEN / "async_tests" / "external_transaction_plugin", "2 passed"),
    # a fixture's new object (committed by the function that built it): a test appends to its
    # never-loaded collection; a test rolls the session back and the fixture's teardown reads it
    "fixture_objects": (GOLDEN / "greenlet_loads" / "fixture_objects", "3 passed"),
}


@pytest.mark.parametrize("side", ["before", "after"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_suite_passes(case: str, side: str, tmp_path: Path) -> None:
    directory, passed = CASES[case]
    tree = tmp_path / side
    shutil.copytree(directory / side, tree)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::RuntimeWarning", "tests"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert passed in proc.stdout
