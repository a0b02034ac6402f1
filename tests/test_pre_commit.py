"""The pre-commit hooks (``.pre-commit-hooks.yaml``), run the way a user tries them: ``pre-commit
try-repo`` of this repository against a fresh git repository. pre-commit builds the hooks' Python
environment from this checkout, which installs the package's dependencies from the package index;
where it cannot (no network), the test is skipped saying so. One try-repo run (both hooks: each run
builds its environment anew, ~30 s); ``--project`` itself is covered through the CLI below."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sqla_asyncify
from sqla_asyncify.cli import app

REPO = Path(sqla_asyncify.__file__).resolve().parent.parent
SERVICE = 'from sqlalchemy.orm import Session\n\n\ndef count(db: Session) -> int:\n    return db.scalar(text("select 1"))\n'
MIGRATED = (
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
    'async def count(db: AsyncSession) -> int:\n    return await db.scalar(text("select 1"))\n'
)
#: pip's words when the package index cannot be reached.
OFFLINE = re.compile(
    r"NewConnectionError|Temporary failure in name resolution|No matching distribution found|"
    r"Could not find a version that satisfies|Network is unreachable|ProxyError"
)


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env, capture_output=True)


def test_hooks_file_declares_both_hooks() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit, in the test extra")
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"asyncify-check", "asyncify-audit"}
    assert hooks["asyncify-check"]["entry"] == "asyncify apply --check --project"
    assert hooks["asyncify-audit"]["entry"] == "asyncify audit --project"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["python"] and hook["require_serial"]


def test_try_repo_runs_both_hooks_on_the_project_of_the_changed_files(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install -e '.[test]'")
    project = tmp_path / "repo"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\ndependencies = []\n')
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "service.py").write_text(SERVICE)
    (project / "app" / "routes.py").write_text("from .service import count\n\n\ndef total(db):\n    return count(db)\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    # Only routes.py changed: the hooks still plan the whole project (service.py is where the I/O is).
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--verbose", "--files", "app/routes.py"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    if result.returncode not in (0, 1) and OFFLINE.search(output):
        pytest.skip(f"pre-commit could not build the hooks' environment (the package index is unreachable): {output[-500:]}")
    assert result.returncode == 1, output
    assert re.search(r"asyncify check\.+Failed", output), output
    assert "would migrate app/service.py" in output and "would migrate app/routes.py" in output
    assert re.search(r"asyncify audit\.+Failed", output), output
    assert "functions left to migrate: 2" in output
    assert (project / "app" / "service.py").read_text() == SERVICE  # hooks never write


@pytest.fixture
def nested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, body in (("svc", MIGRATED), ("legacy", SERVICE)):
        (tmp_path / name / "pkg").mkdir(parents=True)
        (tmp_path / name / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n')
        (tmp_path / name / "pkg" / "__init__.py").write_text("")
        (tmp_path / name / "pkg" / "db.py").write_text(body)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_project_runs_on_the_project_holding_each_file(nested: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["apply", "--check", "--project", "svc/pkg/__init__.py"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    # The file named is not the one to migrate: its project is what is checked.
    todo = runner.invoke(app, ["apply", "--check", "--project", "legacy/pkg/__init__.py"], catch_exceptions=False)
    assert todo.exit_code == 1 and "would migrate legacy/pkg/db.py" in todo.output
    both = runner.invoke(
        app, ["apply", "--check", "--project", "svc/pkg/db.py", "legacy/pkg/__init__.py"], catch_exceptions=False
    )
    assert both.exit_code == 1 and both.output.count("would migrate") == 1
