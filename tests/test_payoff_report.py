"""The payoff report's verdicts on the issue's targets (``bench/payoff/report.py``).

The figures below are written by hand: a run in which one 1-client point falls below the sync app, one
p99 is worse, and one endpoint runs an extra statement must say so, naming each point and its rounds.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).resolve().parent.parent / "bench" / "payoff"
sys.path.insert(0, str(BENCH))

import report  # noqa: E402


def _points(rps: dict[tuple[int, int, str], tuple[float, float]], p99: dict[tuple[int, int, str], tuple[float, float]]) -> list[report.Point]:
    """Two rounds per (rtt, clients, variant), one worker: req/s and p99 as given per round."""
    out = []
    for (rtt, clients, variant), per_round in rps.items():
        for round_, value in enumerate(per_round, start=1):
            latency = p99.get((rtt, clients, variant), (50.0, 50.0))[round_ - 1]
            out.append(report.Point(variant, rtt, 1, clients, round_, int(value * 5), 0, value, latency / 3, latency, 3.3, 8.5, 2.0, 1.0))
    return out


def _setup(probes: dict[str, dict[str, tuple[float, float, list[str]]]]) -> SimpleNamespace:
    return SimpleNamespace(clients=[1, 50], rtts=[1, 5], workers=[1], probes=probes)


EQUAL = {"lookup": (3.0, 1.0, []), "write": (6.0, 2.0, [])}

RPS = {
    (1, 1, "sync"): (100, 104), (1, 1, "blocking"): (100, 100), (1, 1, "migrated"): (98, 99),  # 0.97×
    (1, 50, "sync"): (300, 320), (1, 50, "blocking"): (0, 0), (1, 50, "migrated"): (420, 440),  # 1.39×
    (5, 1, "sync"): (40, 40), (5, 1, "blocking"): (40, 40), (5, 1, "migrated"): (41, 41),
    (5, 50, "sync"): (300, 300), (5, 50, "blocking"): (50, 70), (5, 50, "migrated"): (330, 330),  # 5.5× blocking
}
P99 = {(1, 50, "sync"): (250, 270), (1, 50, "migrated"): (240, 250), (5, 50, "sync"): (220, 224), (5, 50, "migrated"): (226, 250)}


def _targets(rps=RPS, p99=P99, probes=None) -> str:
    points = _points(rps, p99)
    probes = probes or {"sync": EQUAL, "migrated": EQUAL}
    return "\n".join(report.targets(_setup(probes), points, report.medians(points)))


def test_each_target_is_checked_and_a_miss_names_its_point_and_rounds() -> None:
    text = _targets()
    assert "* migrated ≥ 1.3× sync at 50 clients, +1 ms: **met**: 1 worker(s) 1.39× (rounds 420/300, 440/320 req/s)." in text
    assert (
        "* migrated never below 1.0× sync: **not met** (3 of 4 points at or above; lowest 0.97× (1 worker(s), +1 ms, 1 client(s))): "
        "0.97× at 1 worker(s), +1 ms, 1 client(s) (rounds 98/100, 99/104 req/s, ahead in 0/2)." in text
    )
    assert "* migrated ≥ 5× blocking at 50 clients, +5 ms: **met**: 1 worker(s) 5.5× (330 against 60 req/s)." in text
    assert (
        "* p99 at 50 clients no worse than sync: **not met**: 1 worker(s) +1 ms: 245 against 260 ms; "
        "1 worker(s) +5 ms: 238 against 222 ms (**worse**; rounds 226/220 ms, 250/224 ms, lower in 0/2)." in text
    )
    assert "* statements and rows per request equal to sync: **met**: every endpoint the same" in text


def test_all_met_and_a_stalled_blocking_app_counts_as_met() -> None:
    rps = {**RPS, (1, 1, "migrated"): (104, 105), (5, 50, "blocking"): (0, 0)}
    p99 = {**P99, (5, 50, "migrated"): (200, 210)}
    text = _targets(rps, p99)
    assert "**not met**" not in text
    assert "1 worker(s) ∞ (the blocking app stalled) (330 against 0 req/s)" in text
    assert "migrated never below 1.0× sync: **met** (4 of 4 points at or above; lowest 1.02×" in text


def test_an_endpoint_with_another_statement_count_is_named() -> None:
    migrated = {**EQUAL, "write": (7.0, 2.0, [])}
    text = _targets(probes={"sync": EQUAL, "migrated": migrated})
    assert "equal to sync: **not met**: per endpoint (table below) unequal at write (7 / 2 against 6 / 2)" in text


# -- one client, the variants' requests interleaved ----------------------------------------------------
def test_interleaved_figures_are_paired_request_by_request() -> None:
    # Four requests, each sent to both apps: the migrated app answers three of them faster; sync's
    # latencies sum to 40 ms, the migrated app's to 32 ms: 1.25× sync's req/s.
    latencies = {"sync": [10.0, 12.0, 8.0, 10.0], "migrated": [8.0, 9.0, 9.0, 6.0]}
    sync, migrated = report.interleaved(latencies, {"migrated": 1}, rtt=1, workers=2)
    assert (migrated.variant, migrated.rtt_ms, migrated.workers, migrated.requests, migrated.errors) == ("migrated", 1, 2, 4, 1)
    assert migrated.mean_ms == 8.0 and migrated.rps == 125.0
    assert migrated.vs_sync == 1.25
    assert migrated.faster_share == 0.75
    assert migrated.vs_sync_low <= 1.25 <= migrated.vs_sync_high
    # The interval is over resamples of the pairs: never wider than the most extreme single pair.
    assert migrated.vs_sync_low >= 8.0 / 9.0 and migrated.vs_sync_high <= 10.0 / 6.0
    assert (sync.vs_sync, sync.faster_share) == (1.0, 0.0)


def test_unpaired_latencies_are_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="not paired"):
        report.interleaved({"sync": [1.0, 2.0], "migrated": [1.0]}, {}, rtt=0, workers=1)


def _together(vs_sync: float, low: float, high: float) -> list[report.Interleaved]:
    return [
        report.Interleaved("sync", 1, 1, 900, 0, 10.0, 9.0, 20.0, 1.0, 1.0, 1.0, 0.0),
        report.Interleaved("migrated", 1, 1, 900, 0, 10.0 / vs_sync, 8.9, 20.0, vs_sync, low, high, 0.6),
    ]


def test_a_one_client_point_measured_interleaved_is_judged_by_the_paired_ratio() -> None:
    # The rounds put +1 ms, 1 client at 0.97× (RPS above); interleaved, the same point is 1.02×.
    points = _points(RPS, P99)
    text = "\n".join(report.targets(_setup({"sync": EQUAL, "migrated": EQUAL}), points, report.medians(points), _together(1.02, 1.01, 1.03)))
    assert (
        "* migrated never below 1.0× sync: **met** (4 of 4 points at or above; lowest 1.020× (1 worker(s), +1 ms, 1 client(s))). "
        "One client judged by the interleaved measurement (section above): 1 worker(s) +1 ms 1.020× (1.010–1.030; rounds' medians 0.97×)." in text
    )


def test_an_interleaved_point_below_sync_is_named_with_its_interval_and_rounds() -> None:
    points = _points(RPS, P99)
    text = "\n".join(report.targets(_setup({"sync": EQUAL, "migrated": EQUAL}), points, report.medians(points), _together(0.99, 0.98, 1.005)))
    assert (
        "0.990× at 1 worker(s), +1 ms, 1 client(s) (interleaved, 95 % interval 0.980–1.005; rounds 98/100, 99/104 req/s, ahead in 0/2)" in text
    )
    assert "**not met** (3 of 4 points" in text


def _alternated(sync_slices: list[float], migrated_slices: list[float], sync_p99: float, migrated_p99: float) -> report.Alternated:
    def port(slices: list[float], p99: float) -> dict[str, object]:
        return {"rps": sum(slices) / len(slices), "p99_ms": p99, "slices_rps": slices, "by_endpoint": {"write": [100.0, p99]}}

    return report.alternated({"sync": port(sync_slices, sync_p99), "migrated": port(migrated_slices, migrated_p99)}, 5, 1, 50)


def test_alternated_figures_pair_each_turn_with_its_neighbour() -> None:
    alt = _alternated([300, 200, 300, 200], [330, 260, 390, 180], 240, 230)
    assert alt.ratio == (330 + 260 + 390 + 180) / 1000
    assert alt.slices == 4 and alt.slices_ahead == 3  # 180 < 200: the last turn behind
    assert alt.ratio_low < alt.ratio < alt.ratio_high
    # A resample of pairs: bounded by the ratios of the pairs themselves (0.9 to 1.3).
    assert 0.9 <= alt.ratio_low and alt.ratio_high <= 1.3


def test_a_fifty_client_ratio_is_judged_alternated_and_the_p99_by_the_rounds() -> None:
    # The rounds put +5 ms, 50 clients at 1.10× with a worse p99 (226/250 against 220/224 ms, P99
    # above); alternated, the ratio is 1.14× and the p99 218 against 225 ms: the ratio is judged
    # alternated, the p99 stays judged by the rounds (a steady load), the alternated one beside.
    points = _points(RPS, P99)
    alt = _alternated([300, 290, 310, 300], [345, 330, 350, 349], 225, 218)
    text = "\n".join(report.targets(_setup({"sync": EQUAL, "migrated": EQUAL}), points, report.medians(points), None, [alt]))
    assert "50 clients judged by the alternated measurement (section above)." in text
    assert "* p99 at 50 clients no worse than sync: **not met**" in text
    assert "1 worker(s) +5 ms: 238 against 222 ms (**worse**; rounds 226/220 ms, 250/224 ms, lower in 0/2; alternated 218 against 225 ms)" in text
    assert "1 worker(s) +1 ms: 245 against 260 ms (alternated" not in text  # no alternated figure there: nothing beside


def test_the_alternated_ratio_decides_the_1_3_target_at_one_millisecond() -> None:
    points = _points(RPS, P99)  # rounds: 1.39× at +1 ms, 50 clients
    below = report.Alternated(1, 1, 50, 8, 300.0, 360.0, 1.2, 1.1, 1.3, 6, 300.0, 290.0, {}, {})
    text = "\n".join(report.targets(_setup({"sync": EQUAL, "migrated": EQUAL}), points, report.medians(points), None, [below]))
    assert "* migrated ≥ 1.3× sync at 50 clients, +1 ms: **not met**: 1 worker(s) 1.20× alternated (95 % interval 1.10–1.30; rounds' medians 1.39×" in text


def test_the_bench_cpu_median_leaves_out_rounds_that_did_not_record_it() -> None:
    points = _points({(1, 50, "sync"): (300, 320)}, {})
    assert math.isnan(report.medians(points)[(1, 1, 50, "sync")]["bench_cpu_ms_per_req"])
    points[0].bench_cpu_ms_per_req = 0.6
    assert report.medians(points)[(1, 1, 50, "sync")]["bench_cpu_ms_per_req"] == 0.6
    points[1].bench_cpu_ms_per_req = 0.8
    assert report.medians(points)[(1, 1, 50, "sync")]["bench_cpu_ms_per_req"] == 0.7
