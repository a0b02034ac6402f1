"""``[tool.asyncify]`` configuration, keep-sync holds (patterns and pragmas) and ``asyncify audit``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_asyncify.cli import app
from sqla_asyncify.config import ConfigError, load_config

runner = CliRunner()

CRUD = """\
from sqlalchemy.orm import Session


def get_user(db: Session, uid: int):
    return db.get(object, uid)


def legacy_report(db: Session):  # asyncify: keep-sync -- pandas needs a sync connection
    return db.query(object).all()
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "crud.py").write_text(CRUD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.asyncify]\n{body}\n")


def test_config_is_found_walking_up_and_read(project: Path) -> None:
    write_config(project, 'keep-sync = ["app.crud:get_user"]\njobs = 2\nasync-driver = { postgresql = "psycopg" }')
    config = load_config([project / "app" / "crud.py"])
    assert config.keep_sync == ("app.crud:get_user",)
    assert config.jobs == 2 and config.async_driver == {"postgresql": "psycopg"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("keep_sync = []", "unknown key `keep_sync`"),
        ('keep-sync = "app.crud"', "`keep-sync` must be a list of strings"),
        ("jobs = 0", "`jobs` must be a positive integer"),
        ("expire-on-commit = false", "`expire-on-commit` must be"),
        ('expire-on-commit = "true"', "`expire-on-commit` must be"),
        ('async-driver = { postgresql = "psycopg2" }', "is not an async driver"),
    ],
)
def test_bad_config_is_a_clear_error_naming_the_key(project: Path, body: str, message: str) -> None:
    write_config(project, body)
    with pytest.raises(ConfigError, match=message.replace("`", ".")):
        load_config([project])
    result = runner.invoke(app, ["apply", "--check", "app"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_keep_sync_from_config_holds_the_function_and_audit_reports_it(project: Path) -> None:
    write_config(project, 'keep-sync = ["app.crud:get_user"]')
    result = runner.invoke(app, ["audit", "--format", "json", "app"])
    data = json.loads(result.stdout)
    crud = next(f for f in data["files"] if f["path"] == "app/crud.py")
    assert crud["held_sync"] == {
        "app.crud.get_user": "held sync by keep-sync `app.crud:get_user`",
        "app.crud.legacy_report": "held sync by pragma: pandas needs a sync connection",
    }
    assert crud["to_migrate"] == [] and crud["legacy_queries"] == 0 and crud["legacy_queries_held"] == 1


def test_audit_exits_1_while_work_remains_and_lists_it(project: Path) -> None:
    result = runner.invoke(app, ["audit", "--format", "markdown", "app"])
    assert result.exit_code == 1
    assert "- `app.crud.get_user` (app/crud.py)" in result.stdout
    assert "held sync by pragma: pandas needs a sync connection" in result.stdout


def test_audit_exits_0_when_everything_left_is_held(project: Path) -> None:
    result = runner.invoke(app, ["audit", "--keep-sync", "app.crud", "app"])
    assert result.exit_code == 0, result.stdout
    assert "functions held sync: 2" in result.stdout


def test_a_module_held_sync_is_left_byte_identical(project: Path) -> None:
    result = runner.invoke(app, ["apply", "--keep-sync", "app/crud.py", "app"])
    assert result.exit_code == 0
    assert (project / "app" / "crud.py").read_text() == CRUD


def test_pragma_holds_one_function_while_the_rest_migrates(project: Path) -> None:
    result = runner.invoke(app, ["apply", "app"])
    assert result.exit_code == 0
    text = (project / "app" / "crud.py").read_text()
    assert "async def get_user" in text and "return await db.get(object, uid)" in text
    assert "def legacy_report(db: Session):  # asyncify: keep-sync" in text
    assert "db.query(object).all()" in text


def test_async_driver_from_config_chooses_the_driver_of_converted_urls(project: Path) -> None:
    (project / "app" / "db.py").write_text('from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://u@h/db")\n')
    write_config(project, 'async-driver = { postgresql = "psycopg" }')
    result = runner.invoke(app, ["apply", "app/db.py"])
    assert result.exit_code == 0, result.output
    assert 'create_async_engine("postgresql+psycopg://u@h/db")' in (project / "app" / "db.py").read_text()
    (project / "app" / "db.py").write_text('from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://u@h/db")\n')
    write_config(project, 'keep-sync = []')
    runner.invoke(app, ["apply", "app/db.py"])
    assert 'create_async_engine("postgresql+asyncpg://u@h/db")' in (project / "app" / "db.py").read_text()


GOLDEN_COEXIST = Path(__file__).resolve().parent.parent / "golden" / "coexist_sessions" / "held_module" / "before"


def test_audit_after_a_partial_migration_lists_coexisting_wiring_and_bridges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.copytree(GOLDEN_COEXIST, tmp_path / "proj")
    root = tmp_path / "proj"
    legacy = root / "app" / "legacy.py"
    legacy.write_text(legacy.read_text() + "\n\ndef user_count(db: Session) -> int:\n    return db.query(User).count()\n")
    users = root / "app" / "users.py"
    users.write_text(
        users.read_text().replace("from .database import", "from . import legacy\nfrom .database import")
        + '\n\n@router.get("/users/total")\ndef total(db: Session = Depends(get_db)) -> int:\n    return legacy.user_count(db)\n'
    )
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["apply", "app"]).exit_code == 0
    assert "return await db.run_sync(legacy.user_count)" in users.read_text()

    result = runner.invoke(app, ["audit", "--format", "json", "app"])
    assert result.exit_code == 0, result.stdout  # all that is left is held
    data = json.loads(result.stdout)
    files = {f["path"]: f for f in data["files"]}
    assert files["app/database.py"]["coexisting"] == {
        "app.database.SessionLocal": {"twin": "AsyncSessionLocal", "reason": "used by held `app.legacy.nightly_names`"},
        "app.database.engine": {"twin": "async_engine", "reason": "`app.database.SessionLocal` is bound to it"},
        "app.database.get_db": {"twin": "get_async_db", "reason": "used by held `app.legacy.count_users`"},
    }
    assert files["app/users.py"]["bridges"] == 1 and files["app/users.py"]["coexisting"] == {}
    assert data["totals"]["sync wiring beside an async twin"] == 3
    assert data["totals"]["run_sync bridges"] == 1
    assert not any(f["would_change"] for f in data["files"])  # the migrated tree is a fixed point

    markdown = runner.invoke(app, ["audit", "--format", "markdown", "app"]).stdout
    assert "- `app.database.engine` (app/database.py): `app.database.SessionLocal` is bound to it; async twin `async_engine`" in markdown


def test_interactive_skip_of_the_database_module_adds_no_twin_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file skipped in --interactive is not written: its wiring gets no async twin, so migrated
    code that would need one stays sync (reported) rather than import a twin that never appears."""
    import shutil

    shutil.copytree(GOLDEN_COEXIST, tmp_path / "proj")
    root = tmp_path / "proj"
    monkeypatch.chdir(root)
    before = {p: p.read_bytes() for p in (root / "app").glob("*.py")}
    result = runner.invoke(app, ["apply", "--interactive", "app"], input="n\ny\ny\n")
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in (root / "app").glob("*.py")} == before
    assert "changed the plan for" in result.output


SESSIONS = """\
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine)


def rename(uid: int, name: str) -> str:
    db = SessionLocal()
    user = db.get(object, uid)
    if user is None:
        raise KeyError(uid)
    user.name = name
    db.commit()
    return user.name
"""


@pytest.mark.parametrize(
    ("body", "flags", "keeps"),
    [
        ("", [], False),
        ('expire-on-commit = "false"', [], False),
        ('expire-on-commit = "keep"', [], True),
        ('expire-on-commit = "keep"', ["--expire-on-commit", "false"], False),
        ('expire-on-commit = "false"', ["--expire-on-commit", "keep"], True),
    ],
)
def test_expire_on_commit_policy_from_config_and_flag(project: Path, body: str, flags: list[str], keeps: bool) -> None:
    write_config(project, body)
    (project / "app" / "db.py").write_text(SESSIONS)
    result = runner.invoke(app, ["apply", *flags, "app"])
    assert result.exit_code == 0, result.output
    text = (project / "app" / "db.py").read_text()
    assert ("expire_on_commit=False" not in text) is keeps
    # "keep": the read after the commit is refreshed there instead (rules §3.3).
    assert ("await db.refresh(user)" in text) is keeps
    # "false": the added keyword is reported as the behaviour change it is; "keep" has nothing to report.
    assert ("expire-on-commit" in result.stdout) is not keeps, result.stdout


def test_expire_on_commit_flag_rejects_other_values(project: Path) -> None:
    result = runner.invoke(app, ["apply", "--check", "--expire-on-commit", "true", "app"])
    assert result.exit_code == 2
    assert "--expire-on-commit must be false or keep" in result.stderr


def test_expire_on_commit_policy_is_part_of_the_plan_cache_key(project: Path) -> None:
    """Same sources, same cache, another policy: the cached plan (and outcomes) must not be reused."""
    write_config(project, "jobs = 1")
    (project / "app" / "db.py").write_text(SESSIONS)
    keep = runner.invoke(app, ["apply", "--dry-run", "--expire-on-commit", "keep", "app"])
    default = runner.invoke(app, ["apply", "--dry-run", "app"])
    keep_again = runner.invoke(app, ["apply", "--dry-run", "--expire-on-commit", "keep", "app"])
    assert (project / ".asyncify_cache").is_dir()
    assert "expire_on_commit=False" in default.stdout and "await db.refresh(user)" not in default.stdout
    assert "expire_on_commit=False" not in keep.stdout and "await db.refresh(user)" in keep.stdout
    assert keep_again.stdout == keep.stdout
