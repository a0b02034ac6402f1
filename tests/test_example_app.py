"""End to end: migrate the bundled sync FastAPI shop (examples/shop) and run its unchanged HTTP suite.

The copy is migrated with the CLI as a user would (``asyncify apply .`` inside it); the suite then
runs in a subprocess against the async app (aiosqlite). A second run must change nothing, and the
HTTP tests themselves must be left untouched by the migration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sqla_asyncify.pipeline import RunConfig, run

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop"


def _copy_shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db"))
    return target


def _migrate(shop: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqla_asyncify", "apply", "."],
        cwd=shop,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def migrated_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shop = _copy_shop(tmp_path_factory.mktemp("example"))
    done = _migrate(shop)
    assert done.returncode == 0, done.stdout + done.stderr
    return shop


def test_migration_converts_the_wiring(migrated_shop: Path) -> None:
    database = (migrated_shop / "app" / "database.py").read_text()
    assert "create_async_engine(DATABASE_URL" in database
    assert 'DATABASE_URL = f"sqlite+aiosqlite:///' in database
    assert "async_sessionmaker(" in database and "expire_on_commit=False" in database
    assert "async def get_db():" in database and "await db.close()" in database
    main = (migrated_shop / "app" / "main.py").read_text()
    assert "async with engine.begin() as conn:\n        await conn.run_sync(Base.metadata.create_all)" in main


def test_http_tests_are_left_unchanged(migrated_shop: Path) -> None:
    for original in (SHOP / "tests").rglob("*.py"):
        copy = migrated_shop / "tests" / original.relative_to(SHOP / "tests")
        assert copy.read_text() == original.read_text(), copy


def test_second_run_changes_nothing(migrated_shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(migrated_shop)
    result = run(RunConfig(paths=(Path("."),)))
    assert not result.errors, [f"{e.path}: {e.error}" for e in result.errors]
    assert [o.path for o in result.changed] == []


def test_example_http_suite_passes_after_migration(migrated_shop: Path) -> None:
    """All 25 HTTP tests of the shop pass against the migrated app (engine, sessionmaker, get_db,
    lifespan create_all, queries, lazy relationships all converted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=migrated_shop,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout, done.stdout[-2000:]
