"""The cache's plan: stored without its indexes, loaded over the run's own, and invalidated by
exactly what it read (docs/performance.md, "Warm runs")."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import libcst as cst
import pytest

import sqla_asyncify.pipeline as pipeline
from sqla_asyncify import plan_store
from sqla_asyncify.index import index_module
from sqla_asyncify.pipeline import RunConfig, RunResult, run
from sqla_asyncify.plan import Plan

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop" / "app"
#: A function whose legacy query has no ``select()`` form (held sync, bridged) and its caller.
LEFT_QUERY = ROOT / "golden" / "run_sync_bridge" / "left_query" / "before"
CONVERTIBLE = ".filter(User.age >= minimum_age).order_by(User.id)\n        .all()"
UNCONVERTIBLE = '.from_statement(text("SELECT * FROM users WHERE age >= :age ORDER BY id"))\n        .params(age=minimum_age)\n        .all()'


def _shop_indexes() -> list:  # type: ignore[type-arg]
    return [
        index_module(cst.parse_module(path.read_bytes()), f"app.{path.stem}", path.as_posix())
        for path in sorted(SHOP.glob("*.py"))
    ]


def test_a_stored_plan_loads_over_the_runs_indexes_not_copies_of_its_own() -> None:
    indexes = _shop_indexes()
    plan = Plan.build(indexes, held_sync={"app.crud.get_user": "held sync by configuration"})
    assert plan.to_async and plan.bridged
    data = plan_store.dumps(plan)
    assert len(data) * 3 < len(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
    # What a warm run has: the same indexes, unpickled from the ``index`` table.
    reloaded = [pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)) for index in indexes]
    loaded = plan_store.loads(data, reloaded)
    assert isinstance(loaded, Plan)
    assert all(loaded.modules[index.module] is index for index in reloaded)
    own = {fn.qualname: fn for index in reloaded for fn in index.functions}
    assert all(loaded.functions[q] is own[q] for q in own)
    assert loaded.to_async == plan.to_async and loaded.bridged == plan.bridged
    assert loaded.held_sync == plan.held_sync and loaded.items == plan.items
    assert loaded.twins == plan.twins and loaded.sync_wiring == plan.sync_wiring
    # An index the plan read is missing: a miss, not a plan over part of the project.
    assert plan_store.loads(data, reloaded[1:]) is None


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(LEFT_QUERY, tmp_path / "proj")
    (tmp_path / "proj" / "app" / "report.py").write_text("import os\n\n\ndef cwd():\n    return os.getcwd()\n")
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path / "proj"


def _run(cache: bool = True) -> RunResult:
    return run(RunConfig(paths=(Path("app"),), jobs=1, cache=cache))


def _same(a: RunResult, b: RunResult) -> None:
    assert [(o.path, o.updated, o.items, o.error) for o in a.outcomes] == [
        (o.path, o.updated, o.items, o.error) for o in b.outcomes
    ]
    assert a.items == b.items
    assert a.analysis.plan.to_async == b.analysis.plan.to_async
    assert a.analysis.plan.held_sync == b.analysis.plan.held_sync


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    builds: list[dict[str, str]] = []
    real = pipeline._build_plan

    def counted(planned, held, config):  # type: ignore[no-untyped-def]
        builds.append(dict(held))
        return real(planned, held, config)

    monkeypatch.setattr(pipeline, "_build_plan", counted)
    return builds


def test_warm_run_with_a_held_query_loads_the_final_plan_and_builds_none(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _counting_builds(monkeypatch)
    cold = _run()
    # Cold: the first plan, then the plan holding the query that cannot be converted.
    assert [sorted(held) for held in builds] == [[], ["app.queries.by_raw_sql"]]
    assert "app.queries.by_raw_sql" in cold.analysis.plan.bridged
    builds.clear()
    warm = _run()
    assert builds == []
    assert warm.analysis.stats["indexed"] == 0 and warm.analysis.stats["rewritten"] == 0
    _same(warm, cold)
    _same(warm, _run(cache=False))


def test_editing_a_relevant_file_reindexes_it_alone_and_plans_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run()
    queries = project / "app" / "queries.py"
    original = queries.read_text()
    assert UNCONVERTIBLE in original
    queries.write_text(original.replace(UNCONVERTIBLE, CONVERTIBLE))
    builds = _counting_builds(monkeypatch)
    edited = _run()
    assert edited.analysis.stats["indexed"] == 1  # queries.py; services.py comes from the cache
    assert builds == [{}]  # planned again, and nothing is left to hold
    assert "app.queries.by_raw_sql" in edited.analysis.plan.to_async
    assert edited.analysis.stats["rewritten"] == 2  # the plan changed: every relevant file again
    _same(edited, _run(cache=False))
    # Back to the first content: its index, plans and outcomes are all still cached.
    queries.write_text(original)
    builds.clear()
    back = _run()
    assert builds == [] and back.analysis.stats["indexed"] == 0 and back.analysis.stats["rewritten"] == 0
    assert "app.queries.by_raw_sql" in back.analysis.plan.bridged
    _same(back, _run(cache=False))


def test_editing_an_unrelated_file_reuses_the_plan_and_every_outcome(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run()
    (project / "app" / "report.py").write_text("import os\n\n\ndef cwd():\n    return os.getcwd() + '/'\n")
    builds = _counting_builds(monkeypatch)
    warm = _run()
    assert builds == []
    assert warm.analysis.stats["indexed"] == 0 and warm.analysis.stats["rewritten"] == 0
    _same(warm, _run(cache=False))


def test_a_relevant_file_renamed_plans_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run()
    # Same bytes, another module: the index key and the plan key name the module.
    (project / "app" / "services.py").rename(project / "app" / "jobs.py")
    builds = _counting_builds(monkeypatch)
    renamed = _run()
    assert len(builds) == 2 and renamed.analysis.stats["indexed"] == 1
    assert "app.jobs.birthday_for_adults" in renamed.analysis.plan.to_async
    _same(renamed, _run(cache=False))
