"""The run-level cache (``run_cache.py``): a run whose inputs are all unchanged prints exactly what
it printed, without running the pipeline; any change to a file, an option or the tool runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import ROUTES, UNRELATED, invoke, project  # noqa: F401 (project: the same app, a fixture)

import sqla_asyncify.cli as cli
from sqla_asyncify import run_cache


@pytest.fixture
def pipeline_runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each time the pipeline really runs (a run-cache miss), one entry."""
    runs: list[object] = []
    real = cli._run

    def counted(config, show_progress):  # type: ignore[no-untyped-def]
        runs.append(config)
        return real(config, show_progress)

    monkeypatch.setattr(cli, "_run", counted)
    return runs


def _check(*extra: str):  # type: ignore[no-untyped-def]
    return invoke("apply", "--check", "app", *extra)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert (a.exit_code, a.stdout_bytes, a.stderr_bytes) == (b.exit_code, b.stdout_bytes, b.stderr_bytes)


def _made_async(result) -> int:  # type: ignore[no-untyped-def]
    line = next(line for line in result.stderr.splitlines() if "functions made async" in line)
    return int(line.strip("│ ").split()[-1])


def test_an_unchanged_run_replays_its_output_without_running(project: Path, pipeline_runs: list[object]) -> None:
    first = _check()
    assert first.exit_code == 1 and "would migrate app/routes.py" in first.stdout
    assert len(pipeline_runs) == 1
    again = _check()
    assert len(pipeline_runs) == 1  # replayed
    _same(again, first)
    fresh = _check("--no-cache")
    assert len(pipeline_runs) == 2
    _same(again, fresh)
    for fmt in ("json", "github"):  # another format is another entry, each replayed as printed
        printed = _check("--format", fmt)
        assert _check("--format", fmt).stdout_bytes == printed.stdout_bytes
    assert len(pipeline_runs) == 4


def test_editing_a_relevant_file_runs_again(project: Path, pipeline_runs: list[object]) -> None:
    first = _check()
    (project / "app" / "routes.py").write_text(ROUTES + "\n\ndef twice(db: Session = Depends(get_db)):\n    return count(db) * 2\n")
    edited = _check()
    assert len(pipeline_runs) == 2
    assert _made_async(edited) == _made_async(first) + 1
    _same(_check(), edited)
    assert len(pipeline_runs) == 2


def test_an_unrelated_file_that_becomes_relevant_is_seen(project: Path, pipeline_runs: list[object]) -> None:
    first = _check()
    assert "unrelated.py" not in first.output
    (project / "app" / "unrelated.py").write_text(
        "from sqlalchemy.orm import Session\n\n\ndef names(db: Session):\n    return db.execute('x').all()\n"
    )
    edited = _check()
    assert len(pipeline_runs) == 2
    assert "would migrate app/unrelated.py" in edited.stdout


def test_editing_an_unrelated_file_runs_again(project: Path, pipeline_runs: list[object]) -> None:
    _check()
    (project / "app" / "unrelated.py").write_text(UNRELATED + "\n# edited\n")
    _check()
    assert len(pipeline_runs) == 2


def test_adding_or_removing_a_file_runs_again(project: Path, pipeline_runs: list[object]) -> None:
    first = _check()
    (project / "app" / "extra.py").write_text("X = 1\n")
    added = _check()
    assert len(pipeline_runs) == 2
    (project / "app" / "extra.py").unlink()
    _same(_check(), first)  # back to the first run's inputs: its entry again
    assert len(pipeline_runs) == 2
    (project / "app" / "unrelated.py").unlink()
    _check()
    assert len(pipeline_runs) == 3
    assert "files scanned" in added.stderr


def test_an_option_or_the_configuration_changed_runs_again(project: Path, pipeline_runs: list[object]) -> None:
    _check()
    held = _check("--keep-sync", "app.services")
    assert len(pipeline_runs) == 2
    assert "would migrate app/services.py" not in held.stdout
    _check("--expire-on-commit", "keep")
    assert len(pipeline_runs) == 3
    _check("--exclude", "app/unrelated.py")
    assert len(pipeline_runs) == 4
    # The same setting from pyproject.toml (a file outside the discovered ones).
    (project / "pyproject.toml").write_text('[tool.asyncify]\nkeep-sync = ["app.services"]\n')
    from_file = _check()
    assert len(pipeline_runs) == 5
    assert from_file.stdout == held.stdout
    _check("-j", "1")  # how the run goes, not what it prints: the same entry
    assert len(pipeline_runs) == 5


def test_another_version_of_the_tool_runs_again(
    project: Path, pipeline_runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _check()
    monkeypatch.setattr(run_cache, "tool_digest", lambda: "another asyncify")
    _check()
    assert len(pipeline_runs) == 2


def test_a_run_with_errors_is_not_stored(project: Path, pipeline_runs: list[object]) -> None:
    (project / "app" / "broken.py").write_text("from .services import UserService\n\ndef f(:\n")
    assert _check().exit_code == 2
    assert _check().exit_code == 2
    assert len(pipeline_runs) == 2


def test_a_changed_output_width_runs_again(
    project: Path, pipeline_runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _check()
    monkeypatch.setenv("COLUMNS", "200")
    _check()
    assert len(pipeline_runs) == 2


def test_a_project_file_outside_the_discovered_ones_runs_again(project: Path, pipeline_runs: list[object]) -> None:
    # pyproject.toml is no Python file, and this one changes no setting: only what the run says
    # about the dependencies to declare depends on it.
    first = _check()
    (project / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = []\n')
    declared = _check()
    assert len(pipeline_runs) == 2
    assert "pyproject.toml" in declared.stderr and "pyproject.toml" not in first.stderr


@pytest.mark.parametrize("command", [("plan", "app"), ("audit", "app"), ("audit", "--format", "json", "app")])
def test_plan_and_audit_replay_until_a_file_changes(
    project: Path, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqla_asyncify import pipeline

    analyses: list[object] = []
    real = pipeline.analyze

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        analyses.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyze", counted)
    first = invoke(*command)
    assert first.exit_code in (0, 1) and first.stdout
    _same(invoke(*command), first)
    assert len(analyses) == 1
    (project / "app" / "routes.py").write_text(ROUTES + "\n\ndef twice(db: Session = Depends(get_db)):\n    return count(db) * 2\n")
    edited = invoke(*command)
    assert len(analyses) == 2
    assert edited.stdout != first.stdout  # one more function to migrate
