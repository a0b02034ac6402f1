"""Issue 7's end to end: the example app with its service module held sync still serves its HTTP
suite after ``asyncify apply`` (async routes reach the held service through ``run_sync``), and
``asyncify audit`` reports the held module with its reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop"
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}


def _asyncify(shop: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqla_asyncify", *args], cwd=shop, capture_output=True, text=True, timeout=300, env=ENV
    )


def test_example_with_services_held_sync_passes_its_http_suite(tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    shutil.copytree(SHOP, shop, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db", ".asyncify_cache"))
    (shop / "pyproject.toml").write_text('[tool.asyncify]\nkeep-sync = ["app.services"]\n')
    done = _asyncify(shop, "apply", "app")
    assert done.returncode == 0, done.stdout + done.stderr
    services = (shop / "app" / "services.py").read_text()
    assert services == (SHOP / "app" / "services.py").read_text()  # held: untouched
    orders = (shop / "app" / "routers" / "orders.py").read_text()
    assert "service = OrderService(db.sync_session)" in orders
    assert "await db.run_sync(" in orders

    http_suite = sorted(str(p.relative_to(shop)) for p in (shop / "tests").glob("test_shop_*.py"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::RuntimeWarning", *http_suite],
        cwd=shop, capture_output=True, text=True, timeout=300, env=ENV,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "25 passed" in proc.stdout

    audit = _asyncify(shop, "audit", "--format", "json", "app")
    assert audit.returncode == 0, audit.stdout + audit.stderr  # all that is left is held
    report = json.loads(audit.stdout)
    held = next(f for f in report["files"] if f["path"] == "app/services.py")["held_sync"]
    assert held["app.services.OrderService.place_order"] == "held sync by keep-sync `app.services`"
    crud = next(f for f in report["files"] if f["path"] == "app/crud.py")["held_sync"]
    assert crud["app.crud.get_user"].startswith("held sync: called by held `app.services.")
