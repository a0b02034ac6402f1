"""Closed-loop HTTP load generator for the payoff bench (run as its own process).

    python load.py --port 8000 --clients 50 --warmup 3 --duration 10 [--seed 1]

``clients`` connections (HTTP/1.1 keep-alive, raw asyncio streams: cheap enough to leave the CPU to
the app) each send one request, wait for the whole answer, and send the next. The requests follow a
fixed mix shaped like an API's traffic — 40 % lookups by key, 30 % filtered lists, 20 % aggregates
with a join, 10 % writes — over the seeded keys, from a seeded generator. After ``warmup`` seconds
it prints ``WINDOW START``, after ``duration`` more ``WINDOW END`` (the orchestrator reads the
database and app counters at those two lines), then one JSON line with what completed inside the
window: requests, errors (non-2xx or broken connection), req/s and latency percentiles. Bounded:
loopback only, at most 500 clients and 300 seconds.

``--interleave PORT,PORT,...`` (one client): the same request goes to every app in turn, the order
rotated from one request to the next, each app over its own keep-alive connection, one request in
flight at a time. The apps never compete, and a drift of the machine (another process, the CPU's
clock) touches them alike: at one client the apps differ by a fraction of a millisecond per request,
less than rounds minutes apart vary, and only a paired measurement resolves it. The JSON then holds,
per port, the latencies (ms) of the window, request by request in the same order for every port.

``--alternate PORT,PORT --clients N`` (many clients): N clients per app, the same request sequence
per client at every app, the load switched from app to app every ``--slice`` seconds (the order
rotated); each turn is measured after ``--settle`` seconds, once the other app's requests in flight
have finished and this one's queue has filled. The JSON then holds, per port, the figures of its
turns together and each turn's req/s (``slices_rps``): the turns of the apps side by side pair up.

``--balance N`` (the app runs N uvicorn workers): during the warm-up a client whose connection
landed on a worker already holding its share (``ceil(clients / N)``, known from the response's
``x-worker`` header, see ``serve.py``) reconnects, so every variant is measured with the same even
split of connections over the workers; the split at the window's start is in the JSON (``split``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time

from report import percentile  # this folder is on the path: the script's own

CATEGORIES = [f"cat{i:02d}" for i in range(20)]
N_USERS = 1_000
N_ITEMS = 20_000
MIX = (("lookup", 40), ("list", 30), ("aggregate", 20), ("write", 10))


def request_for(kind: str, rng: random.Random) -> bytes:
    if kind == "lookup":
        line, body = f"GET /users/{rng.randint(1, N_USERS)}", b""
    elif kind == "list":
        line, body = f"GET /items?category={rng.choice(CATEGORIES)}&min_price={rng.randint(0, 50)}&limit=20", b""
    elif kind == "aggregate":
        line, body = f"GET /stats/top-sellers?category={rng.choice(CATEGORIES)}&limit=10", b""
    else:
        line, body = f"PATCH /items/{rng.randint(1, N_ITEMS)}", json.dumps({"stock": rng.randint(0, 500)}).encode()
    head = f"{line} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def pick(rng: random.Random) -> str:
    return rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]


async def read_response(reader: asyncio.StreamReader) -> tuple[int, str]:
    """The response's status and the worker that served it (``x-worker``, "" without one)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    worker = ""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"x-worker":
            worker = value.strip().decode()
    if length:
        await reader.readexactly(length)
    return status, worker


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.kinds: list[str] = []  # the endpoint of each latency
        self.errors = 0
        self.measuring = False
        self.stop = False
        # Balancing: how many connections each worker holds, and each worker's share.
        self.held: dict[str, int] = {}
        self.share = 0
        # Alternating mode (--alternate): clients send only while the gate is open.
        self.gate: asyncio.Event | None = None


async def client(port: int, rng: random.Random, stats: Stats) -> None:
    reader = writer = None
    worker = ""  # the worker this connection landed on, once known
    while not stats.stop:
        if stats.gate is not None and not stats.gate.is_set():
            await stats.gate.wait()
            continue
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            started = time.perf_counter()
            kind = pick(rng)
            writer.write(request_for(kind, rng))
            status, served_by = await read_response(reader)
            elapsed = time.perf_counter() - started
            if stats.share and not worker and served_by:
                if stats.held.get(served_by, 0) >= stats.share and not stats.measuring:
                    writer.close()  # that worker has its share: try another connection
                    reader = writer = None
                    await asyncio.sleep(rng.random() * 0.02)
                    continue
                worker = served_by
                stats.held[worker] = stats.held.get(worker, 0) + 1
            if stats.measuring and not stats.stop:
                stats.latencies.append(elapsed)
                stats.kinds.append(kind)
                if status >= 300:
                    stats.errors += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            if stats.measuring:
                stats.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            if worker:
                stats.held[worker] -= 1
                worker = ""
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


async def interleave(ports: list[int], warmup: float, duration: float, seed: int) -> dict[str, object]:
    """One client sending each request to every app in turn (see the module's docstring)."""
    rng = random.Random(seed * 1000)
    streams = [await asyncio.open_connection("127.0.0.1", port) for port in ports]
    latencies: list[list[float]] = [[] for _ in ports]
    errors = [0] * len(ports)
    start = time.perf_counter()
    measuring = False
    turn = 0
    while True:
        now = time.perf_counter()
        if not measuring and now - start >= warmup:
            measuring, start = True, now
            print("WINDOW START", flush=True)
        elif measuring and now - start >= duration:
            break
        request = request_for(pick(rng), rng)
        timings = [0.0] * len(ports)
        complete = True
        for k in range(len(ports)):
            i = (turn + k) % len(ports)  # rotated: no app always first (cold caches) or last
            reader, writer = streams[i]
            began = time.perf_counter()
            try:
                writer.write(request)
                status, _ = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                streams[i] = await asyncio.open_connection("127.0.0.1", ports[i])
                status, complete = 599, False
            timings[i] = (time.perf_counter() - began) * 1000
            if measuring and status >= 300:
                errors[i] += 1
        turn += 1
        if measuring and complete:  # a request some app did not answer has no pair: left out
            for i, ms in enumerate(timings):
                latencies[i].append(ms)
    window = time.perf_counter() - start
    print("WINDOW END", flush=True)
    for _, writer in streams:
        writer.close()
    return {"window_s": window, "ports": {str(port): {"latencies_ms": latencies[i], "errors": errors[i]} for i, port in enumerate(ports)}}


def summary(stats: Stats, window: float) -> dict[str, object]:
    """What completed inside the measured window: counts, req/s, latency percentiles, per endpoint."""
    ok = len(stats.latencies) - stats.errors
    return {
        "window_s": window,
        "requests": len(stats.latencies),
        "errors": stats.errors,
        "rps": ok / window if window else 0.0,
        "p50_ms": percentile(stats.latencies, 0.50) * 1000,
        "p99_ms": percentile(stats.latencies, 0.99) * 1000,
        # Per endpoint (p50, p99) ms: where the tail is (a write makes twice a read's round trips).
        "by_endpoint": {
            kind: [percentile(mine, 0.50) * 1000, percentile(mine, 0.99) * 1000]
            for kind, _ in MIX
            if (mine := [ms for ms, k in zip(stats.latencies, stats.kinds) if k == kind])
        },
    }


async def alternate(ports: list[int], clients: int, warmup: float, duration: float, slice_s: float, settle: float,
                    seed: int, balance: int) -> dict[str, object]:
    """``clients`` closed-loop clients per app, the load switched from app to app every ``slice_s``
    seconds (the order rotated), each slice measured after ``settle`` seconds (the previous app's
    requests in flight finish, this one's queue fills). Every app sees the same request sequence per
    client, and the machine's drift over the run (see the module's docstring) touches all alike."""
    apps = [Stats() for _ in ports]
    for stats in apps:
        stats.gate = asyncio.Event()
        stats.share = -(-clients // balance) if balance > 1 else 0
    tasks = [
        asyncio.create_task(client(port, random.Random(seed * 1000 + c), stats))
        for port, stats in zip(ports, apps)
        for c in range(clients)
    ]
    n = len(ports)
    slices = max(1, round(duration / slice_s / n)) * n  # the same number of slices per app
    measured = [0.0] * n
    per_slice: list[list[float]] = [[] for _ in ports]  # each slice's req/s, per app
    turn = 0

    def open_gate(i: int) -> None:
        for k, stats in enumerate(apps):
            if k == i:
                stats.gate.set()  # type: ignore[union-attr]
            else:
                stats.gate.clear()  # type: ignore[union-attr]

    began = time.perf_counter()
    while time.perf_counter() - began < warmup or turn < n:  # every app warmed (and balanced), in turn
        open_gate(turn % n)
        await asyncio.sleep(slice_s)
        turn += 1
    splits = [sorted(stats.held.values(), reverse=True) for stats in apps]
    print("WINDOW START", flush=True)
    started = time.perf_counter()
    for k in range(slices):
        i = (turn + k) % n
        stats = apps[i]
        open_gate(i)
        await asyncio.sleep(settle)
        done_before = len(stats.latencies) - stats.errors
        stats.measuring, opened = True, time.perf_counter()
        await asyncio.sleep(slice_s - settle)
        stats.measuring = False
        spent = time.perf_counter() - opened
        measured[i] += spent
        per_slice[i].append((len(stats.latencies) - stats.errors - done_before) / spent)
    window = time.perf_counter() - started
    print("WINDOW END", flush=True)
    for stats in apps:
        stats.stop = True
        stats.gate.set()  # type: ignore[union-attr]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "clients": clients,
        "window_s": window,
        "slice_s": slice_s,
        "settle_s": settle,
        "ports": {
            str(port): {**summary(stats, measured[i]), "slices_rps": per_slice[i], "split": splits[i]}
            for i, (port, stats) in enumerate(zip(ports, apps))
        },
    }


async def main(args: argparse.Namespace) -> dict[str, float]:
    stats = Stats()
    if args.balance > 1:
        stats.share = -(-args.clients // args.balance)
    tasks = [asyncio.create_task(client(args.port, random.Random(args.seed * 1000 + i), stats)) for i in range(args.clients)]
    await asyncio.sleep(args.warmup)
    stats.measuring = True
    split = sorted(stats.held.values(), reverse=True)
    print("WINDOW START", flush=True)
    started = time.perf_counter()
    await asyncio.sleep(args.duration)
    stats.stop = True
    window = time.perf_counter() - started
    print("WINDOW END", flush=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"clients": args.clients, **summary(stats, window), "split": split}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--interleave", help="comma-separated ports: one client, each request to every app in turn")
    parser.add_argument("--balance", type=int, default=1, help="the app's uvicorn workers: spread the connections evenly over them")
    parser.add_argument("--alternate", help="comma-separated ports: --clients clients per app, the load switched between the apps")
    parser.add_argument("--slice", type=float, default=2.5, help="--alternate: seconds per app per turn")
    parser.add_argument("--settle", type=float, default=0.6, help="--alternate: seconds of each turn left unmeasured")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or args.warmup + args.duration > 300:
        sys.exit("load.py: at most 500 clients and 300 seconds")
    if sum(x is not None for x in (args.port, args.interleave, args.alternate)) != 1:
        sys.exit("load.py: --port, --interleave or --alternate, one of them")
    if args.alternate:
        if not 0 <= args.settle < args.slice:
            sys.exit("load.py: --settle must be shorter than --slice")
        ports = [int(p) for p in args.alternate.split(",")]
        found = alternate(ports, args.clients, args.warmup, args.duration, args.slice, args.settle, args.seed, args.balance)
        print(json.dumps(asyncio.run(found)), flush=True)
    elif args.interleave:
        ports = [int(p) for p in args.interleave.split(",")]
        print(json.dumps(asyncio.run(interleave(ports, args.warmup, args.duration, args.seed))), flush=True)
    else:
        print(json.dumps(asyncio.run(main(args))), flush=True)
