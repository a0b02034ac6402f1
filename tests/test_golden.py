"""Every golden case: the pipeline turns before into exactly after, after is a fixed point, the report
is as expected, and (where the case has a scenario) before on sync sqlite and after on aiosqlite
return the same results and leave the same data."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from golden_harness import (
    GoldenCase,
    golden_cases,
    materialize,
    migrate,
    run_async_side,
    run_sync_side,
    scenario_calls,
    scenario_session,
)

CASES = golden_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_before_becomes_after(case: GoldenCase, tmp_path: Path) -> None:
    out, report = migrate(case.side("before"), tmp_path / "run")
    expected = case.side("after")
    for rel in expected:
        assert out[rel].decode() == expected[rel].decode(), f"{case.id}: {rel}"
        if rel.endswith(".py"):
            ast.parse(out[rel])
    assert report == case.expected_report()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_after_is_a_fixed_point(case: GoldenCase, tmp_path: Path) -> None:
    after = case.side("after")
    out, _ = migrate(after, tmp_path / "run")
    for rel in after:
        assert out[rel].decode() == after[rel].decode(), f"{case.id}: second run changed {rel}"


RUNNABLE = [c for c in CASES if (c.directory / "scenario.py").exists()]


@pytest.mark.parametrize("case", RUNNABLE, ids=[c.id for c in RUNNABLE])
def test_before_and_after_behave_the_same(case: GoldenCase, tmp_path: Path) -> None:
    calls = scenario_calls(case)
    materialize(case.side("before"), tmp_path / "before")
    materialize(case.side("after"), tmp_path / "after")
    sync_results = run_sync_side(tmp_path / "before", calls, tmp_path / "sync.db")
    async_results = run_async_side(tmp_path / "after", calls, tmp_path / "async.db", scenario_session(case))
    for call, s, a in zip(calls, sync_results, async_results):
        raised = isinstance(s[0], tuple) and s[0][:1] == ("!raised",)
        assert raised == call.raises, f"{case.id}: {call.target}{call.args} on sync: {s[0]}"
        assert a == s, f"{case.id}: {call.target}{call.args}: sync {s} != async {a}"
