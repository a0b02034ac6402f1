"""The README's first command: ``asyncify apply --dry-run examples/shop`` prints a diff that
``git apply`` accepts, writes nothing, and leaves no sync API behind in the app unless reported."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from sqla_asyncify.cli import app

SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop"
SYNC_LEFTOVERS = re.compile(r"\bsessionmaker\(|\bcreate_engine\(|\.query\(|from sqlalchemy\.orm import .*\bSession\b")


def test_dry_run_of_the_example_applies_with_git_and_leaves_no_sync_api(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shop = tmp_path / "shop"
    shutil.copytree(SHOP, shop, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db", ".asyncify_cache"))
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_bytes() for p in shop.rglob("*.py")}
    result = CliRunner().invoke(app, ["apply", "--dry-run", "shop"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in shop.rglob("*.py")} == before  # nothing written
    diff = result.stdout_bytes
    assert b"+++ b/shop/app/crud.py" in diff and b"+++ b/shop/app/database.py" in diff
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "shop.diff").write_bytes(diff)
    subprocess.run(["git", "apply", "--check", "shop.diff"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "shop.diff"], cwd=tmp_path, check=True)
    reported = {line.split(":")[0] for line in result.stderr.splitlines() if "] " in line}
    for path in (shop / "app").rglob("*.py"):
        rel = path.relative_to(tmp_path).as_posix()
        leftovers = [line for line in path.read_text().splitlines() if SYNC_LEFTOVERS.search(line)]
        assert not leftovers or rel in reported, (rel, leftovers)
