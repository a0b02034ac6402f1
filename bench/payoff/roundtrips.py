"""Round trips per request, counted at the proxy, for the sync and the migrated app side by side.

    python bench/payoff/roundtrips.py [--rtt 5] [--requests 200] [--asyncify CMD]

Needs the ``bench`` extra. Builds the variants (``variants.py``), starts PostgreSQL and seeds it
(as ``run.py`` does), and puts each app behind its own delay proxy running in this process with
round-trip counting on (``proxy.Flights``: a flight is what the app sends after the database last
spoke, so each wait for a reply counts once). One client then sends the requests to the two apps in
turn, the order rotated (as ``load.py --interleave``), first ``--requests`` of each endpoint, then the
same number of ``load.py``'s mix. Per endpoint and variant it prints the flights per request, the
mean latency, what is left of it once the round trips are taken out (latency − flights × the
measured ``SELECT 1`` round trip: the app's own time) and the app's CPU time per request (its
process tree, from ``/proc``), and the mean gap between a reply reaching the app's proxy and the
app's next statement leaving for it (the app's time per round trip, inside a request). At one client nothing queues, so a gap
between the apps there is either more round trips or more time per request in the app.
"""

from __future__ import annotations

import argparse
import http.client
import random
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load  # noqa: E402
import proxy  # noqa: E402
import run  # noqa: E402
import variants  # noqa: E402
from pgserver import Postgres  # noqa: E402

COMPARED = ("sync", "migrated")


@dataclass
class Tally:
    """One variant's requests of one kind: flights and latencies."""

    flights: list[int] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    cpu_s: float = 0.0  # the app's CPU time (its process tree) while serving these
    gaps_ms: list[float] = field(default_factory=list)  # a reply in, the app's next flight out


class Client:
    """One keep-alive HTTP connection to one app."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, body: bytes | None) -> float:
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = self.conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status}")
        return elapsed


def mix(count: int, seed: int = 1) -> list[tuple[str, str, str, bytes | None]]:
    """``load.py``'s request mix: (kind, method, path, body)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        kind = load.pick(rng)
        raw = load.request_for(kind, rng)
        head, _, body = raw.partition(b"\r\n\r\n")
        method, path, _ = head.split(b"\r\n", 1)[0].decode().split(" ")
        out.append((kind, method, path, body or None))
    return out


def interleave(requests: list[tuple[str, str, str, bytes | None]], clients: dict[str, Client],
               flights: dict[str, proxy.Flights], pids: dict[str, int]) -> dict[str, dict[str, Tally]]:
    """Each request to every app in turn, the order rotated; per kind and variant, what it cost.

    A request's flights and CPU time are those between its start and the start of that app's next
    request: the statements an app sends after its response (the session's ROLLBACK) are its own."""
    tallies: dict[str, dict[str, Tally]] = {}
    names = list(clients)
    previous: dict[str, tuple[str, int, float, float]] = {}
    for index, (kind, method, path, body) in enumerate(requests + [requests[-1]]):
        last = index == len(requests)
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            time.sleep(0.002)  # let a reply's trailing flights land (each app has its own proxy)
            cpu = run.tree_cpu(pids[name])
            if name in previous:
                done_kind, started_at, cpu_at, clock_at = previous[name]
                tally = tallies.setdefault(done_kind, {}).setdefault(name, Tally())
                tally.flights.append(flights[name].flights - started_at)
                tally.cpu_s += cpu - cpu_at
                # Gaps inside this request only: the idle time before it follows no reply of its own.
                tally.gaps_ms += [(out - reply) * 1000 for reply, out in flights[name].after_reply if reply >= clock_at]
                flights[name].after_reply.clear()
            if last:
                continue
            previous[name] = (kind, flights[name].flights, cpu, time.perf_counter())
            latency = clients[name].send(method, path, body)
            tallies.setdefault(kind, {}).setdefault(name, Tally()).latencies_ms.append(latency)
    return tallies


def table(title: str, tallies: dict[str, dict[str, Tally]], rtt_ms: float) -> list[str]:
    lines = [f"## {title}", "", "| kind | n | " + " | ".join(f"{v} flights/req | {v} mean ms | {v} app ms | {v} CPU ms | {v} gap ms" for v in COMPARED)
             + " | sync − migrated ms |", "|---|---|" + "---|---|---|---|---|" * len(COMPARED) + "---|"]
    for kind in [*run.ENDPOINTS, "all"]:
        per = {v: Tally() for v in COMPARED}
        for k, by_variant in tallies.items():
            if kind in (k, "all"):
                for v in COMPARED:
                    per[v].flights += by_variant[v].flights
                    per[v].latencies_ms += by_variant[v].latencies_ms
                    per[v].cpu_s += by_variant[v].cpu_s
                    per[v].gaps_ms += by_variant[v].gaps_ms
        if not per["sync"].latencies_ms:
            continue
        cells = []
        for v in COMPARED:
            f, lat = statistics.mean(per[v].flights), statistics.mean(per[v].latencies_ms)
            cpu_ms = per[v].cpu_s * 1000 / len(per[v].latencies_ms)
            gap = statistics.mean(per[v].gaps_ms) if per[v].gaps_ms else float("nan")
            cells.append(f"{f:.2f} | {lat:.2f} | {lat - f * rtt_ms:.2f} | {cpu_ms:.2f} | {gap:.3f}")
        gap = statistics.mean(per["sync"].latencies_ms) - statistics.mean(per["migrated"].latencies_ms)
        lines.append(f"| {kind} | {len(per['sync'].latencies_ms)} | " + " | ".join(cells) + f" | {gap:+.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt", type=float, default=5.0, help="added delay per round trip, ms")
    parser.add_argument("--requests", type=int, default=200, help="per endpoint, and in the mix")
    parser.add_argument("--server", choices=sorted(run.SERVERS), default="asyncio", help="uvicorn's event loop (run.SERVERS)")
    parser.add_argument("--asyncify", help="command that runs asyncify (default: this interpreter's -m sqla_asyncify)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="roundtrips-"))
    (work / "logs").mkdir()
    folders = variants.build(work / "variants", shlex.split(args.asyncify) if args.asyncify else None)
    pg = Postgres.start(run.free_port())
    apps: list[run.App] = []
    try:
        run.create_database(pg, folders["sync"])
        flights: dict[str, proxy.Flights] = {}
        clients: dict[str, Client] = {}
        measured = []
        for name in COMPARED:
            port = run.free_port()
            flights[name] = proxy.counting(port, pg.port, args.rtt)
            measured.append(run.measure_rtt(port))
            url = f"postgresql+psycopg2://postgres@127.0.0.1:{port}/{run.DB}"
            app = run.start_app(name, folders[name], url, 1, work / "logs", args.server)
            if app is None:
                raise RuntimeError(f"{name} did not start: see {work / 'logs'}")
            apps.append(app)
            clients[name] = Client(app.port)
        rtt_ms = statistics.mean(measured)
        pids = {app.variant: app.process.pid for app in apps}
        for method, path, body in run.ENDPOINTS.values():  # warm: prepared statements, pool
            for _ in range(run.WARM):
                for client in clients.values():
                    client.send(method, path, body)
        endpoints = [(kind, *run.ENDPOINTS[kind]) for kind in run.ENDPOINTS for _ in range(args.requests)]
        out = [f"# Round trips per request, +{args.rtt:g} ms (SELECT 1 through the proxy: {rtt_ms:.2f} ms), uvicorn on {args.server}", ""]
        out += table("One endpoint at a time (the same request repeated)", interleave(endpoints, clients, flights, pids), rtt_ms)
        opened = {name: flights[name].connections for name in COMPARED}
        out += [""] + table("load.py's mix", interleave(mix(args.requests), clients, flights, pids), rtt_ms)
        out += ["", "Connections each app opened: " + ", ".join(
            f"{name} {opened[name]} before the mix, {flights[name].connections} after" for name in COMPARED
        )]
        print("\n".join(out))
    finally:
        for app in apps:
            app.stop()
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
