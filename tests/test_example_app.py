"""End to end: migrate the bundled sync FastAPI shop (examples/shop), then run its tests.

The copy is migrated with the CLI as a user would (``asyncify apply .`` inside it). The shop has two
suites: an HTTP suite (``tests/test_shop_*.py``) that must be left untouched and pass against the
async app, and unit tests (``tests/unit/``) of the service layer and crud functions that the
migration turns async — including tests that use the ``db`` fixture and an HTTP client together,
whose ``TestClient`` becomes an ``httpx.AsyncClient`` on the one session loop. Both run in one
subprocess (aiosqlite), as ``pytest`` in the shop would run them. A second run must change nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sqla_asyncify.pipeline import RunConfig, run

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop"
HTTP_TESTS = 25  # tests/test_shop_*.py
UNIT_TESTS = 17  # tests/unit/


def _copy_shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db"))
    return target


def _migrate(shop: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqla_asyncify", "apply", *options, "."],
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
    originals = list((SHOP / "tests").glob("*.py"))  # the HTTP suite and its conftest, not tests/unit/
    assert len(originals) == 4
    for original in originals:
        copy = migrated_shop / "tests" / original.name
        assert copy.read_text() == original.read_text(), copy


def test_unit_tests_are_migrated(migrated_shop: Path) -> None:
    unit = migrated_shop / "tests" / "unit"
    conftest = (unit / "conftest.py").read_text()
    assert "async def db():" in conftest and "await session.close()" in conftest
    assert '@pytest_asyncio.fixture(loop_scope="session")\nasync def api():' in conftest
    assert "async with app.router.lifespan_context(app), httpx.AsyncClient(" in conftest
    assert "transport=httpx.ASGITransport(app=app)" in conftest and "TestClient" not in conftest
    assert "async def _new_user(" in conftest and "await crud.create_user(" in conftest
    both = (unit / "test_service_and_http.py").read_text()
    assert "await api.get(" in both and "await OrderService(db).place_order(" in both
    services = (unit / "test_services.py").read_text()
    assert services.count('@pytest.mark.asyncio(loop_scope="session")') == 7
    assert "await service.cancel_order(order.id)" in services


def _run_pytest(shop: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::RuntimeWarning"],
        cwd=shop,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def _passed(done: subprocess.CompletedProcess[str]) -> int:
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert "failed" not in summary and "error" not in summary, done.stdout[-2000:]
    match = re.search(r"(\d+) passed", summary)
    assert match, done.stdout[-2000:]
    return int(match.group(1))


def test_example_suites_pass_before_migration(tmp_path: Path) -> None:
    """The shop's HTTP suite and its sync unit tests pass as written (on a copy: no stray .db)."""
    assert _passed(_run_pytest(_copy_shop(tmp_path))) == HTTP_TESTS + UNIT_TESTS


def test_second_run_changes_nothing(migrated_shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(migrated_shop)
    result = run(RunConfig(paths=(Path("."),)))
    assert not result.errors, [f"{e.path}: {e.error}" for e in result.errors]
    assert [o.path for o in result.changed] == []


def test_example_suites_pass_after_migration(migrated_shop: Path) -> None:
    """The 25 unchanged HTTP tests and the 17 migrated unit tests (service layer, crud, db fixture
    together with the converted HTTP client) pass against the migrated app, in one pytest run."""
    assert _passed(_run_pytest(migrated_shop)) == HTTP_TESTS + UNIT_TESTS


def _http_selects(shop: Path) -> int:
    """Run the shop's HTTP suite (all must pass) and return the SELECTs it sent (``select_counter``)."""
    count_file = shop / "selects.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    env["SELECT_COUNT_FILE"] = str(count_file)
    suite = sorted(str(p.relative_to(shop)) for p in (shop / "tests").glob("test_shop_*.py"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "select_counter", "-W", "error::RuntimeWarning", *suite],
        cwd=shop, capture_output=True, text=True, timeout=600, env=env,
    )
    assert _passed(done) == HTTP_TESTS
    return int(count_file.read_text())


def test_http_suite_runs_no_more_selects_after_migration(migrated_shop: Path, tmp_path: Path) -> None:
    """Statement parity (issue 13): relationships are loaded by the queries (or callers) that read
    them, not by every query of their model, so the migrated app answers the same requests with no
    more SELECTs than the sync one (the blanket ``lazy="selectin"`` ran 539 for 299)."""
    before = _http_selects(_copy_shop(tmp_path))
    after = _http_selects(migrated_shop)
    assert after <= before, f"SELECTs: sync {before}, migrated {after}"


@pytest.fixture(scope="module")
def keep_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy migrated with ``--expire-on-commit keep``: sessions keep expiring on commit."""
    shop = _copy_shop(tmp_path_factory.mktemp("keep"))
    done = _migrate(shop, "--expire-on-commit", "keep")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "expire_on_commit=False" not in (shop / "app" / "database.py").read_text()
    return shop


def test_example_suites_pass_under_the_keep_policy(keep_shop: Path) -> None:
    """Under ``keep`` the unit tests read objects that crud functions and the service committed
    (``user = new_user()`` then ``new_product()`` commits the same session): each is refreshed
    after the call that expired it, or in place when the same statement reads it; all 42 pass."""
    assert _passed(_run_pytest(keep_shop)) == HTTP_TESTS + UNIT_TESTS
    crud_tests = (keep_shop / "tests" / "unit" / "test_crud.py").read_text()
    assert "line(await db.refresh(ordered) or ordered, 1)" in crud_tests  # in place, after new_user()
    # update_product refreshed what it was given, delete_product deleted it: nothing to reload
    assert "await db.refresh(product)\n" not in crud_tests.split("ordered = await new_product()")[0]


def test_second_run_changes_nothing_under_the_keep_policy(keep_shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The refreshes written for ``keep`` (``db.get(M, inspect(obj).identity, options=[...],
    populate_existing=True)``) are read back as reloading ``obj`` with those loaders, and the loader
    options' ``Order.items`` as naming a relationship, not reading an object: no relationship turns
    ``lazy="selectin"`` on the second run."""
    monkeypatch.chdir(keep_shop)
    result = run(RunConfig(paths=(Path("."),), expire_on_commit="keep", cache=False))
    assert not result.errors, [f"{e.path}: {e.error}" for e in result.errors]
    assert [o.path for o in result.changed] == []


def test_http_suite_passes_with_parity_under_the_keep_policy(keep_shop: Path, tmp_path: Path) -> None:
    """``--expire-on-commit keep``: sessions keep expiring; the HTTP suite still passes, with no more
    SELECTs than the sync app."""
    before = _http_selects(_copy_shop(tmp_path / "sync"))
    after = _http_selects(keep_shop)
    assert after <= before, f"SELECTs: sync {before}, migrated (keep) {after}"
