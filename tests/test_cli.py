"""The CLI contract: modes, exit codes, what is written and what is not (design.md)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_asyncify.cli import app

DATABASE = """\
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
"""

SERVICES = """\
from sqlalchemy.orm import Session


class UserService:
    def __init__(self, db: Session):
        self.db = db

    def rename(self, user, name):
        user.name = name
        self.db.commit()
        return user


def count(db: Session) -> int:
    return db.scalar(text("select count(*) from users"))
"""

ROUTES = """\
from fastapi import Depends
from sqlalchemy.orm import Session

from .database import get_db
from .services import UserService, count


def rename(user, db: Session = Depends(get_db)):
    return UserService(db).rename(user, "x")


def total(db: Session = Depends(get_db)):
    return {"n": count(db)}


def health():
    return {"ok": True}
"""

UNRELATED = "import os\n\n\ndef f():\n    return os.getcwd()\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "database.py").write_text(DATABASE)
    (pkg / "services.py").write_text(SERVICES)
    (pkg / "routes.py").write_text(ROUTES)
    (pkg / "unrelated.py").write_text(UNRELATED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


runner = CliRunner()


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_dry_run_prints_a_diff_git_accepts_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = invoke("apply", "--dry-run", "app")
    assert result.exit_code == 0, result.output
    assert snapshot(project) == before
    diff = result.stdout_bytes
    assert b"+async def get_db():" in diff and b"--- a/app/routes.py" in diff
    assert b"unrelated.py" not in diff
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "patch.diff").write_bytes(diff)
    subprocess.run(["git", "apply", "--check", "patch.diff"], cwd=project, check=True)
    subprocess.run(["git", "apply", "patch.diff"], cwd=project, check=True)
    # The patch, applied, is exactly what `apply` writes.
    patched = snapshot(project)
    shutil.rmtree(project / "app")
    for rel, data in before.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
    assert invoke("apply", "app").exit_code == 0
    assert snapshot(project) == patched


def test_check_exits_1_while_work_remains_and_0_after(project: Path) -> None:
    before = snapshot(project)
    result = invoke("apply", "--check", "app")
    assert result.exit_code == 1
    assert "would migrate app/routes.py" in result.output
    assert snapshot(project) == before
    assert invoke("apply", "app").exit_code == 0
    result = invoke("apply", "--check", "app")
    assert result.exit_code == 0, result.output


def test_check_exits_1_on_a_manual_item_alone(project: Path) -> None:
    (project / "app" / "services.py").write_text(
        SERVICES + "\n\nclass Report:\n    def __init__(self, db: Session):\n        self.total = count(db)\n"
    )
    invoke("apply", "app")
    result = invoke("apply", "--check", "app")
    assert result.exit_code == 1
    assert "[sync-boundary]" in result.output and "__init__" in result.output


def test_apply_writes_migrated_code_and_a_second_run_changes_nothing(project: Path) -> None:
    os.chmod(project / "app" / "routes.py", 0o640)
    result = invoke("apply", "app")
    assert result.exit_code == 0, result.output
    assert "files changed" in result.output
    routes = (project / "app" / "routes.py").read_text()
    assert "async def rename(user, db: AsyncSession = Depends(get_db)):" in routes
    assert 'return await UserService(db).rename(user, "x")' in routes
    assert "def health():" in routes and "async def health" not in routes
    assert stat.S_IMODE((project / "app" / "routes.py").stat().st_mode) == 0o640
    assert (project / "app" / "unrelated.py").read_text() == UNRELATED
    once = snapshot(project)
    assert invoke("apply", "app").exit_code == 0
    assert snapshot(project) == once


def test_report_json_lists_changes_with_chains_and_items(project: Path) -> None:
    result = invoke("apply", "--dry-run", "--report", "out.json", "app")
    assert result.exit_code == 0
    report = json.loads((project / "out.json").read_text())
    chains = {c["function"]: c["chain"] for c in report["changes"]}
    assert chains["app.routes.rename"] == ["app.routes.rename", "app.services.UserService.rename", "self.db.commit"]
    assert sorted(report["changed_files"]) == ["app/database.py", "app/routes.py", "app/services.py"]
    assert report["written_files"] == []


def test_unparsable_file_is_named_exit_2_and_others_still_migrate(project: Path) -> None:
    # It imports a module the migration changes, so asyncify must read it, and cannot.
    broken = "from .services import UserService\n\ndef f(:\n"
    (project / "app" / "broken.py").write_text(broken)
    result = invoke("apply", "app")
    assert result.exit_code == 2
    assert "app/broken.py" in result.stderr and "does not parse" in result.stderr
    assert (project / "app" / "broken.py").read_text() == broken
    assert "async def get_db" in (project / "app" / "database.py").read_text()


def test_undecodable_file_is_an_error_not_a_crash(project: Path) -> None:
    (project / "app" / "latin.py").write_bytes(b"x = '\xe9'\n")  # no coding cookie: not UTF-8
    result = invoke("apply", "--check", "app")
    assert result.exit_code == 2
    assert "app/latin.py" in result.stderr


def test_missing_path_is_a_usage_error(project: Path) -> None:
    result = invoke("apply", "nope")
    assert result.exit_code == 2


def test_plan_explains_each_async_function(project: Path) -> None:
    result = invoke("plan", "app")
    assert result.exit_code == 0
    assert "app/routes.py:8: app.routes.rename -> app.services.UserService.rename -> self.db.commit" in result.output
    assert "app/routes.py:12: app.routes.total -> app.services.count -> db.scalar" in result.output


def _awaits_are_consistent(root: Path) -> None:
    """Every call of a project ``async def`` is awaited, and nothing awaited is a project ``def``."""
    kinds: dict[str, set[bool]] = {}
    trees = [ast.parse(p.read_text()) for p in root.rglob("*.py")]
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                kinds.setdefault(node.name, set()).add(isinstance(node, ast.AsyncFunctionDef))
    # Names defined both sync and async (a route and a method both called ``rename``) are ambiguous.
    defs = {name: is_async.pop() for name, is_async in kinds.items() if len(is_async) == 1}
    for tree in trees:
        awaited = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Await)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in defs and name not in ("get_db",):
                    assert defs[name] == (id(node) in awaited), ast.unparse(node)


def test_interactive_accepts_per_file(project: Path) -> None:
    # Files come in path order: database, routes, services.
    result = invoke("apply", "--interactive", "app", input="y\ny\ny\n")
    assert result.exit_code == 0, result.output
    assert "async def get_db" in (project / "app" / "database.py").read_text()
    _awaits_are_consistent(project)


def test_interactive_quit_writes_only_what_was_accepted(project: Path) -> None:
    before = snapshot(project)
    result = invoke("apply", "--interactive", "app", input="y\nq\n")
    assert result.exit_code == 0
    after = snapshot(project)
    assert after["app/database.py"] != before["app/database.py"]
    assert after["app/routes.py"] == before["app/routes.py"]
    assert after["app/services.py"] == before["app/services.py"]


def test_interactive_skip_replans_so_accepted_files_stay_consistent(project: Path) -> None:
    # Skip services.py: it stays sync, so routes must not await its (still sync) methods.
    result = invoke("apply", "--interactive", "app", input="y\ny\nn\n")
    assert result.exit_code == 0, result.output
    assert (project / "app" / "services.py").read_text() == SERVICES
    routes = (project / "app" / "routes.py").read_text()
    assert "await UserService" not in routes and "await count" not in routes
    # Async routes reach the held service through run_sync, handing it a sync session.
    assert "await db.run_sync(count)" in routes
    assert 'lambda sync_session: UserService(sync_session).rename(user, "x")' in routes
    assert "changed the plan for" in result.output
    _awaits_are_consistent(project)


def test_interactive_all_accepts_the_rest(project: Path) -> None:
    result = invoke("apply", "--interactive", "app", input="a\n")
    assert result.exit_code == 0
    assert "async def rename" in (project / "app" / "services.py").read_text()


def test_excluded_and_gitignored_files_are_not_touched(project: Path) -> None:
    (project / ".gitignore").write_text("app/services.py\n")
    result = invoke("apply", "--check", "--exclude", "app/database.py", ".")
    assert "would migrate app/routes.py" in result.output
    assert "app/services.py" not in result.output and "app/database.py" not in result.output


SAVE = "from sqlalchemy.orm import Session\n\n\ndef save(db: Session):\n    db.commit()\n"


def _migrated(raw: bytes) -> bytes:
    return (
        raw.replace(b"from sqlalchemy.orm import Session", b"from sqlalchemy.ext.asyncio import AsyncSession")
        .replace(b"def save(db: Session)", b"async def save(db: AsyncSession)")
        .replace(b"db.commit()", b"await db.commit()")
    )


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\xef\xbb\xbf" + SAVE.encode(), id="utf8-bom"),
        pytest.param(SAVE.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SAVE.encode(), id="latin-1"),
        pytest.param(SAVE.rstrip("\n").encode(), id="no-final-newline"),
    ],
)
def test_encodings_and_newlines_survive(project: Path, raw: bytes) -> None:
    path = project / "app" / "save.py"
    path.write_bytes(raw)
    diff = invoke("apply", "--dry-run", "app/save.py").stdout_bytes
    assert invoke("apply", "app/save.py").exit_code == 0
    expected = _migrated(raw)
    assert path.read_bytes() == expected
    # The dry-run diff applies to the original bytes and yields the same file.
    path.write_bytes(raw)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "p.diff").write_bytes(diff)
    subprocess.run(["git", "apply", "p.diff"], cwd=project, check=True)
    assert path.read_bytes() == expected


def test_files_not_formatted_with_black_keep_their_style(project: Path) -> None:
    odd = textwrap.dedent(
        """\
        from sqlalchemy.orm import Session
        def f(db: Session):
            db.commit( )
            return [ 1,2 ]
        """
    )
    (project / "app" / "odd.py").write_text(odd)
    invoke("apply", "app/odd.py")
    assert (project / "app" / "odd.py").read_text() == textwrap.dedent(
        """\
        from sqlalchemy.ext.asyncio import AsyncSession
        async def f(db: AsyncSession):
            await db.commit( )
            return [ 1,2 ]
        """
    )


def test_summary_names_the_packages_the_migrated_code_needs(project: Path) -> None:
    (project / "app" / "engine.py").write_text(
        'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///app.db")\n'
    )
    result = invoke("apply", "app")
    assert "The migrated code needs: aiosqlite, sqlalchemy[asyncio]" in result.output


def test_summary_names_the_drivers_a_url_converted_at_run_time_may_need(project: Path) -> None:
    # Issue 12 class 9: the URL is built by the settings (an unchanged file); the engine converts it
    # at run time, so the driver of every database the project names is needed.
    (project / "app" / "settings.py").write_text(
        'import os\n\nDATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://app@db/app")\n'
    )
    (project / "app" / "engine.py").write_text(
        "from sqlalchemy import create_engine\n\nfrom .settings import DATABASE_URL\n\n"
        "engine = create_engine(DATABASE_URL)\n"
    )
    result = invoke("apply", "app")
    assert "The migrated code needs: asyncpg, sqlalchemy[asyncio]" in result.output


LONG_LINES = """\
from sqlalchemy.orm import Session


def find_named(db: Session, name: str, city: str, minimum_age: int, maximum_age: int, limit: int) -> list:
    return db.query(User).filter(User.name == name, User.city == city, User.age >= minimum_age).order_by(User.id).all()
"""


@pytest.mark.parametrize("line_length", [None, 120])
def test_black_settings_of_the_project_decide_formatting(project: Path, line_length: int | None) -> None:
    import black

    if line_length is not None:
        (project / "pyproject.toml").write_text(f"[tool.black]\nline-length = {line_length}\n")
    (project / "app" / "long.py").write_text(LONG_LINES)
    invoke("apply", "app/long.py")
    out = (project / "app" / "long.py").read_text()
    assert "async def find_named(db: AsyncSession, name: str, city: str, minimum_age: int, maximum_age: int, limit: int) -> list:\n" in out
    if line_length is None:
        # Not black-clean at black's default 88: the file keeps its style, the rewrite is not wrapped.
        assert black.format_str(LONG_LINES, mode=black.Mode()) != LONG_LINES
        assert "    return (await db.execute(select(User).where(" in out
    else:
        # Black-clean at the project's 120: the output is formatted at 120.
        assert black.format_str(LONG_LINES, mode=black.Mode(line_length=120)) == LONG_LINES
        assert black.format_str(out, mode=black.Mode(line_length=120)) == out
        assert "    return (await db.execute(select(User)" not in out


def test_check_names_exactly_the_files_apply_changes_without_formatting_them(project: Path) -> None:
    # ``--check`` formats a changed file only when black could turn it back into the input
    # (``formatting.may_format_back``); the files it names must still be those ``apply`` changes.
    (project / "app" / "clean.py").write_text(
        "from sqlalchemy.orm import Session\n\n\ndef save(db: Session) -> None:\n    db.commit()\n"
    )
    result = invoke("apply", "--check", "app")
    assert result.exit_code == 1
    named = sorted(line.split()[-1] for line in result.output.splitlines() if line.startswith("would migrate"))
    before = snapshot(project)
    assert invoke("apply", "app").exit_code == 0
    after = snapshot(project)
    assert named == sorted(path for path in before if before[path] != after[path])
    assert "app/clean.py" in named
