"""alembic-run-sync: where the project hands Alembic's config an AsyncConnection, its Alembic
commands run inside that connection's ``run_sync`` (``_run_alembic``); elsewhere they are left.
The executed shape is golden ``alembic_run_sync/shared_connection``."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from golden_harness import migrate
from sqla_asyncify.codemods.alembic_run_sync import HELPER, HELPER_SOURCE

FIXTURES = """\
    import pytest
    from alembic.config import Config
    from sqlalchemy import create_engine

    @pytest.fixture
    def engine():
        return create_engine("sqlite://")

    @pytest.fixture
    def sql_connection(engine):
        connection = engine.connect()
        yield connection
        connection.close()

    @pytest.fixture
    def alembic_config(sql_connection):
        cfg = Config()
        cfg.attributes["connection"] = sql_connection
        return cfg
    """

CLI = """\
    from alembic import command
    from alembic.command import downgrade as alembic_downgrade

    def run_migrations(alembic_config, branch="heads"):
        command.upgrade(alembic_config, branch)

    def undo(alembic_config):
        alembic_downgrade(config=alembic_config, revision="base")
    """

TEST = """\
    import cli

    def test_migrate(alembic_config):
        cli.run_migrations(alembic_config)
        cli.undo(alembic_config)
    """


def run(files: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], set[str]]:
    out, report = migrate({k: textwrap.dedent(v).encode() for k, v in files.items()}, tmp_path / "run")
    return {k: v.decode() for k, v in out.items()}, report


def test_commands_run_through_the_helper_where_a_connection_is_handed(tmp_path: Path) -> None:
    out, report = run({"conftest.py": FIXTURES, "cli.py": CLI, "test_cli.py": TEST}, tmp_path)
    cli = out["cli.py"]
    assert "async def run_migrations(alembic_config, branch=\"heads\"):" in cli
    assert "await _run_alembic(command.upgrade, alembic_config, branch)" in cli
    # ``config=`` moves first, where the helper takes it; the command is looked up at the call
    assert "await _run_alembic(alembic_downgrade, alembic_config, revision=\"base\")" in cli
    assert f"async def {HELPER}(command, config, /, *args, **kwargs):" in cli
    assert "await cli.run_migrations(alembic_config)" in out["test_cli.py"]
    # the hand-off itself stays: the helper swaps the sync connection in while a command runs
    assert 'cfg.attributes["connection"] = sql_connection' in out["conftest.py"]
    assert not any(line.endswith("alembic-connection") for line in report), report


def test_nothing_changes_without_a_handed_connection(tmp_path: Path) -> None:
    fixtures = FIXTURES.replace('cfg.attributes["connection"] = sql_connection', 'cfg.attributes["label"] = "x"')
    out, report = run({"conftest.py": fixtures, "cli.py": CLI, "test_cli.py": TEST}, tmp_path)
    assert out["cli.py"] == textwrap.dedent(CLI)
    assert not any("alembic" in line for line in report), report


def test_a_command_left_sync_is_reported(tmp_path: Path) -> None:
    cli = CLI + "\n\n    hooks = [lambda cfg: command.stamp(cfg, 'head')]\n"
    out, report = run({"conftest.py": FIXTURES, "cli.py": cli, "test_cli.py": TEST}, tmp_path)
    assert "lambda cfg: command.stamp(cfg, 'head')" in out["cli.py"]
    assert "cli.py:11 alembic-connection" in report, report


def test_a_hand_off_with_no_command_in_the_project_is_reported(tmp_path: Path) -> None:
    out, report = run({"conftest.py": FIXTURES, "test_cli.py": "def test_x(alembic_config):\n    assert alembic_config\n"}, tmp_path)
    assert "conftest.py:18 alembic-connection" in report, report


# -- the helper, executed ------------------------------------------------------------------------


def _helper() -> Any:
    namespace: dict[str, Any] = {}
    exec(HELPER_SOURCE, namespace)
    return namespace[HELPER]


def test_helper_runs_the_command_on_the_sync_connection_and_hands_the_async_one_back() -> None:
    run_alembic = _helper()
    seen: list[Any] = []

    def upgrade(cfg: Any, revision: str, sql: bool = False) -> str:
        conn = cfg.attributes["connection"]
        seen.append(conn)
        # sync I/O works here: the command runs inside the connection's greenlet
        conn.execute(text("create table t (x integer)"))
        return f"{revision}:{sql}"

    async def main() -> tuple[Any, ...]:
        engine = create_async_engine("sqlite+aiosqlite://")
        async with engine.connect() as conn:
            cfg = SimpleNamespace(attributes={"connection": conn, "other": 1})
            result = await run_alembic(upgrade, cfg, "head", sql=True)
            tables = (await conn.execute(text("select name from sqlite_master"))).scalars().all()
            handed_back = cfg.attributes == {"connection": conn, "other": 1}
            sync_connection = conn.sync_connection
        await engine.dispose()
        return result, tables, handed_back, sync_connection

    result, tables, handed_back, sync_connection = asyncio.run(main())
    assert result == "head:True"
    assert tables == ["t"]
    assert handed_back
    assert isinstance(seen[0], Connection) and seen[0] is sync_connection


def test_helper_calls_the_command_as_is_without_an_async_connection() -> None:
    run_alembic = _helper()
    calls: list[tuple[Any, ...]] = []
    cfg = SimpleNamespace(attributes={"connection": "sync one"})
    result = asyncio.run(run_alembic(lambda c, *a, **k: calls.append((c, a, k)) or "done", cfg, "head", sql=False))
    assert result == "done"
    assert calls == [(cfg, ("head",), {"sql": False})]


def test_helper_restores_the_config_when_the_command_raises() -> None:
    run_alembic = _helper()

    def failing(cfg: Any) -> None:
        raise RuntimeError("boom")

    async def main() -> Any:
        engine = create_async_engine("sqlite+aiosqlite://")
        async with engine.connect() as conn:
            cfg = SimpleNamespace(attributes={"connection": conn})
            with pytest.raises(RuntimeError):
                await run_alembic(failing, cfg)
            restored = cfg.attributes["connection"] is conn
        await engine.dispose()
        return restored

    assert asyncio.run(main())



def test_helper_calls_the_command_as_is_for_a_config_without_attributes() -> None:
    run_alembic = _helper()

    def upgrade(cfg: Any, revision: str) -> None:
        raise AttributeError("'NoneType' object has no attribute 'get_main_option'")

    # the command raises what it raised before, not the helper
    with pytest.raises(AttributeError, match="get_main_option"):
        asyncio.run(run_alembic(upgrade, None, "head"))


def test_an_engine_handed_to_alembic_is_reported(tmp_path: Path) -> None:
    fixtures = FIXTURES.replace('cfg.attributes["connection"] = sql_connection', 'cfg.attributes["connection"] = engine')
    fixtures = fixtures.replace("def alembic_config(sql_connection):", "def alembic_config(engine):")
    out, report = run({"conftest.py": fixtures, "cli.py": CLI, "test_cli.py": TEST}, tmp_path)
    assert "conftest.py:18 alembic-connection" in report, report
    assert 'cfg.attributes["connection"] = engine' in out["conftest.py"]
    assert out["cli.py"] == textwrap.dedent(CLI)  # no AsyncConnection is handed: commands stay
