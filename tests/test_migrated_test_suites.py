"""A migrated test suite runs: the golden pytest + unittest case passes before (sync) and after (async)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden_harness import GOLDEN

CASE = GOLDEN / "async_tests" / "pytest_and_unittest"


@pytest.mark.parametrize("side", ["before", "after"])
def test_suite_passes(side: str, tmp_path: Path) -> None:
    tree = tmp_path / side
    shutil.copytree(CASE / side, tree)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::RuntimeWarning", "tests"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 passed" in proc.stdout
